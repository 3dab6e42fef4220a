#!/usr/bin/env bash
# Regenerates Sources/VigilOTLPProto/Generated from proto/*.proto.
# Needs Debian's protoc (apt-get install protobuf-compiler) and builds protoc-gen-swift from
# swift-protobuf (the same version Package.swift names) in a temporary folder. The package build
# never runs this: the generated code is committed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
version=${SWIFT_PROTOBUF_VERSION:-1.39.0}
command -v protoc >/dev/null || { echo "protoc missing: apt-get install protobuf-compiler" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --depth 1 --branch "$version" https://github.com/apple/swift-protobuf.git "$work/swift-protobuf"
swift build --package-path "$work/swift-protobuf" -c release --product protoc-gen-swift >/dev/null
plugin="$work/swift-protobuf/.build/release/protoc-gen-swift"
out="$here/Sources/VigilOTLPProto/Generated"
rm -f "$out"/*.pb.swift
protoc --proto_path="$here/proto" --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath --swift_opt=UseAccessLevelOnImports=true \
  --swift_out="$out" "$here"/proto/*.proto
echo "generated: $(ls "$out")"
