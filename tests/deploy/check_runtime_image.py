#!/usr/bin/env python3
"""Checks the Dockerfile's runtime stage against the binaries it ships,
without a Docker engine.

The runtime stage (debian:12-slim) installs a list of library packages. This
runs `ldd` on the binaries the build stage copies into it (built here by the
same CMake project), finds the Debian package of every shared library they
load (`dpkg -S`), and checks that each one is in debian:12-slim already
(Essential or Priority: required packages, and apt's dependencies) or is
pulled in by the packages the stage installs (their Depends, transitively).
It also checks that every package named exists in the archive (`apt-cache
show`), so a renamed library package fails here instead of at image build.

  check_runtime_image.py --root=<repository> <binary>...

Standard library only. Exit code 77 (skipped) when dpkg is not available.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys


def runtime_packages(dockerfile):
    """Packages of the last stage's apt-get install lines."""
    text = open(dockerfile).read().replace("\\\n", " ")
    stages = re.split(r"(?m)^FROM ", text)
    last = stages[-1]
    packages = []
    for run in re.findall(r"(?m)^RUN (.*)$", last):
        for command in run.split("&&"):
            words = command.split()
            if "apt-get" in words and "install" in words:
                packages += [w for w in words[words.index("install") + 1:]
                             if not w.startswith("-")]
    return packages


def installed_packages():
    """{package: (depends, essential, priority)} of the installed packages,
    from one dpkg-query; `depends` names the first installed alternative of
    each Depends and Pre-Depends clause."""
    listing = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}\t${Status}\t${Depends}, "
         "${Pre-Depends}\t${Essential}\t${Priority}\n"],
        capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in listing.splitlines():
        name, status, deps, essential, priority = line.split("\t")
        if status.endswith(" installed"):
            rows[name] = (deps, essential, priority)
    packages = {}
    for name, (deps, essential, priority) in rows.items():
        names = []
        for clause in filter(None, (c.strip() for c in deps.split(","))):
            for alternative in clause.split("|"):
                dep = alternative.strip().split()[0].split(":")[0]
                if dep in rows:
                    names.append(dep)
                    break
        packages[name] = (names, essential, priority)
    return packages


def closure(installed, roots):
    seen, stack = set(), list(roots)
    while stack:
        package = stack.pop()
        if package in seen or package not in installed:
            continue
        seen.add(package)
        stack.extend(installed[package][0])
    return seen


def slim_base(installed):
    """The packages of debian:12-slim: Essential and required ones, and apt."""
    roots = ["apt"] + [name for name, (_, essential, priority)
                       in installed.items()
                       if essential == "yes" or priority == "required"]
    return closure(installed, roots)


def linked_libraries(binary):
    """Paths of the shared libraries `binary` loads, from ldd."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"=> (/\S+)", out)


def owners(paths):
    """{path: package} for the paths dpkg knows. /lib is a symlink to /usr/lib
    on Debian 12 and dpkg records one of the two names, so both are asked."""
    names = {}
    for path in paths:
        for alias in (path, os.path.realpath(path)):
            names[alias] = path
            names[re.sub(r"^/usr/lib/", "/lib/", alias)] = path
            names[re.sub(r"^/lib/", "/usr/lib/", alias)] = path
    done = subprocess.run(["dpkg", "-S"] + sorted(names), capture_output=True,
                          text=True)
    result = {}
    for line in done.stdout.splitlines():
        package, _, path = line.partition(": ")
        if path in names:
            result[names[path]] = package.split(":")[0]
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--dockerfile", default="Dockerfile",
                        help="relative to --root")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    if not shutil.which("dpkg-query") or not shutil.which("ldd"):
        print("dpkg or ldd missing: skipped")
        return 77
    failures = []
    packages = runtime_packages(os.path.join(args.root, args.dockerfile))
    if not packages:
        failures.append("the Dockerfile's last stage installs no packages")
    for package in packages:
        if subprocess.run(["apt-cache", "show", package],
                          capture_output=True).returncode != 0:
            failures.append("runtime package %s is not in the archive" %
                            package)
    installed = installed_packages()
    available = slim_base(installed) | closure(installed, packages)
    for binary in args.binaries:
        libraries = linked_libraries(binary)
        owned = owners(libraries)
        for library in sorted(libraries):
            owner = owned.get(library)
            if owner is None:
                failures.append("%s loads %s, which no package owns" %
                                (os.path.basename(binary), library))
            elif owner not in available:
                failures.append(
                    "%s loads %s from %s, which the runtime stage does not "
                    "install" % (os.path.basename(binary), library, owner))
    print("runtime packages: %s" % " ".join(packages))
    print("binaries checked: %s" % " ".join(map(os.path.basename,
                                                args.binaries)))
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
