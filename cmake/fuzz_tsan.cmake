# SHOPML_FUZZ: libFuzzer targets (tests/fuzz) with ASan and UBSan; needs clang.
# Every object gets -fsanitize=fuzzer-no-link (coverage for libFuzzer); only the
# fuzz executables link libFuzzer itself.
# SHOPML_TSAN: everything built with ThreadSanitizer, for the tests labelled
# `concurrency` (scripts/tsan.sh).
# At most one of SHOPML_SANITIZE, SHOPML_FUZZ and SHOPML_TSAN: TSan cannot be
# combined with ASan, and the fuzz build already has ASan and UBSan.
if((SHOPML_SANITIZE AND SHOPML_FUZZ) OR (SHOPML_SANITIZE AND SHOPML_TSAN) OR
   (SHOPML_FUZZ AND SHOPML_TSAN))
  message(FATAL_ERROR
    "SHOPML_SANITIZE, SHOPML_FUZZ and SHOPML_TSAN are mutually exclusive")
endif()
if(SHOPML_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SHOPML_FUZZ needs clang (libFuzzer), e.g. CXX=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(SHOPML_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
