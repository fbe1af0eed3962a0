#!/usr/bin/env bash
# Prints, one a line, the Debian packages that own the shared libraries the given ELF files load
# (directly or through other libraries), as ldd resolves them on this Debian build machine. The
# runtime image installs exactly these (plus ca-certificates), so a library a later change links,
# such as libpq, is picked up without editing a list.
#   runtime-packages.sh FILE...
set -euo pipefail
(($#)) || { echo "usage: $0 FILE..." >&2; exit 2; }

libraries=$(for file in "$@"; do
  ldd "$file" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' || exit 1
done | sort -u)

# Merged /usr: dpkg may know a library by its /lib, /usr/lib or resolved path. Every form of
# every library is looked up at once in dpkg's file lists (a process per lookup takes a minute
# on a loaded machine): lines "LIB CANDIDATE" in, one owning package per library out.
candidates=$(for lib in $libraries; do
  for form in "$lib" "$(readlink -f "$lib")" "/usr${lib#/usr}" "${lib#/usr}"; do echo "$lib $form"; done
done)
owners=$(cut -d' ' -f2 <<<"$candidates" | sort -u | grep -F -x -f - /var/lib/dpkg/info/*.list |
         sed -E 's|^/var/lib/dpkg/info/([^:]+)(:[^:]+)?\.list:|\1 |' || true)
packages=$(awk '
  FNR == NR { owner[$2] = $1; next }
  !($1 in found) { found[$1] = "" }
  found[$1] == "" && ($2 in owner) { found[$1] = owner[$2] }
  END {
    for (lib in found) {
      if (found[lib] == "") { print "runtime-packages: no Debian package owns " lib > "/dev/stderr"; bad = 1 }
      else print found[lib]
    }
    exit bad
  }' <(echo "$owners") <(echo "$candidates")) ||
  { echo "runtime-packages: the image can only hold libraries installed from Debian packages" >&2; exit 1; }
sort -u <<<"$packages"
