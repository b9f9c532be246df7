#!/usr/bin/env bash
# Regenerates Sources/LeNetONNX/onnx.pb.swift from Sources/LeNetONNX/onnx.proto (copied from
# the onnx Python package, v1.23.2). Run once after changing the proto; the output is committed so
# builds never need protoc or the plugin (whose first build takes minutes).
# Needs: protoc (Debian's protobuf-compiler) and protoc-gen-swift built from swift-protobuf 1.39.0:
#   git clone https://github.com/apple/swift-protobuf && cd swift-protobuf && git checkout 1.39.0 \
#     && swift build -c release --product protoc-gen-swift
set -euo pipefail
cd "$(dirname "$0")/../Sources/LeNetONNX"
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift)}
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public --swift_out=. onnx.proto
