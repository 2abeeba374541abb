# shopml_proto_library(NAME <target> PROTOS <files relative to proto/> [GRPC])
# Generates C++ for the listed .proto files into the build tree and builds them as a
# static library. With GRPC, gRPC service stubs are generated too.
find_program(SHOPML_PROTOC protoc REQUIRED)
find_program(SHOPML_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

function(shopml_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  set(proto_root ${PROJECT_SOURCE_DIR}/proto)
  set(out_dir ${PROJECT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" stem ${proto})
    set(outputs ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h)
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outputs ${out_dir}/${stem}.grpc.pb.cc ${out_dir}/${stem}.grpc.pb.h)
      set(plugin_args --grpc_out=${out_dir} --plugin=protoc-gen-grpc=${SHOPML_GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${SHOPML_PROTOC} -I${proto_root} --cpp_out=${out_dir} ${plugin_args}
              ${proto_root}/${proto}
      DEPENDS ${proto_root}/${proto}
      COMMENT "protoc ${proto}")
    list(APPEND srcs ${out_dir}/${stem}.pb.cc)
    if(ARG_GRPC)
      list(APPEND srcs ${out_dir}/${stem}.grpc.pb.cc)
    endif()
  endforeach()
  add_library(${ARG_NAME} STATIC ${srcs})
  target_include_directories(${ARG_NAME} SYSTEM PUBLIC ${out_dir})
  target_link_libraries(${ARG_NAME} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${ARG_NAME} PUBLIC gRPC::grpc++)
  endif()
  # Generated code is not ours to warn about.
  target_compile_options(${ARG_NAME} PRIVATE -Wno-unused-parameter)
endfunction()
