#!/usr/bin/env bash
# Builds switchboard_VERSION_all.deb: the files `switchboard install --destdir` stages (jar, /usr/bin/switchboard,
# the systemd unit, /etc/switchboard/switchboard.yaml as a conffile, /var/lib/switchboard) and maintainer scripts
# that create the user switchboard and start the service where systemd runs. See docs/operations.md.
#   deploy/debian/build-deb.sh [--jar JAR] [--out DIR]      (default: server/target/switchboard.jar, built if missing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="$repo/server/target/switchboard.jar"
out="$repo/server/target"
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    *) echo "usage: $0 [--jar JAR] [--out DIR]" >&2; exit 2;;
  esac
done
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is needed (Debian/Ubuntu)" >&2; exit 1; }
if [ ! -f "$jar" ]; then
  echo "build-deb: building the jar (mvn package, tests skipped) ..." >&2
  (cd "$repo" && mvn -B -q -DskipTests package -pl server -am) >&2
fi
version="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$repo/pom.xml" | head -1)"
debversion="${version/-SNAPSHOT/~snapshot}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
java -jar "$jar" install --destdir "$stage/root" --jar "$jar" >/dev/null
mkdir -p "$stage/root/DEBIAN" "$stage/root/usr/share/doc/switchboard"
[ -f "$repo/docs/operations.md" ] && cp "$repo/docs/operations.md" "$stage/root/usr/share/doc/switchboard/"
for f in postinst prerm postrm; do
  install -m 0755 "$here/$f" "$stage/root/DEBIAN/$f"
done
echo /etc/switchboard/switchboard.yaml > "$stage/root/DEBIAN/conffiles"
cat > "$stage/root/DEBIAN/control" <<CONTROL
Package: switchboard
Version: $debversion
Architecture: all
Maintainer: Switchboard developers <switchboard@localhost>
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser | passwd
Recommends: openvswitch-switch
Section: net
Priority: optional
Installed-Size: $(du -sk "$stage/root" | cut -f1)
Description: OpenFlow SDN controller for Open vSwitch
 Switchboard programs OVS bridges over OpenFlow: VLAN isolation, VXLAN overlays,
 ACLs and distributed routing, reconciled with what each bridge really holds.
 Runs as the systemd service switchboard.service, configured in
 /etc/switchboard/switchboard.yaml.
CONTROL
mkdir -p "$out"
deb="$out/switchboard_${debversion}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage/root" "$deb" >/dev/null
echo "$deb"
