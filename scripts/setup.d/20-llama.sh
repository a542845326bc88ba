#!/usr/bin/env bash
# Builds the bundled CPU inference engine from the llama-cpp-python sdist on PyPI:
#   1. `llama-server` (continuous batching, parallel slots) into .build/llama/bin/
#   2. the llama-cpp-python wheel, cached under .build/wheels/ and installed into .venv
# Each step is skipped when its cached artefact exists. Uses `nice` and at most 2 jobs.
set -euo pipefail
VENV="${VENV:-.venv}"
LLAMA_CPP_PYTHON_VERSION="0.3.36"
BUILD=".build"
SRC_DIR="$BUILD/src"
SDIST_DIR="$SRC_DIR/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION"
SERVER_BIN="$BUILD/llama/bin/llama-server"
WHEEL_DIR="$BUILD/wheels"
JOBS="${KIMI_BUILD_JOBS:-2}"
stamp="$VENV/.stamps/llama-$LLAMA_CPP_PYTHON_VERSION"

if [ -f "$stamp" ] && [ -x "$SERVER_BIN" ]; then
  exit 0
fi

command -v cmake >/dev/null || { apt-get update -qq && apt-get install -y -qq cmake; }

fetch_sdist() {
  [ -d "$SDIST_DIR/vendor/llama.cpp" ] && return 0
  echo "setup: downloading llama-cpp-python $LLAMA_CPP_PYTHON_VERSION sdist"
  mkdir -p "$SRC_DIR"
  "$VENV/bin/python" -m pip download --quiet --no-binary :all: --no-deps \
    -d "$SRC_DIR" "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION"
  tar -xzf "$SRC_DIR/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz" -C "$SRC_DIR"
}

build_server() {
  [ -x "$SERVER_BIN" ] && return 0
  echo "setup: building llama-server (CPU, $JOBS jobs; a few minutes)"
  local bdir="$BUILD/llama/cmake"
  mkdir -p "$BUILD/llama"
  nice -n 10 cmake -S "$SDIST_DIR/vendor/llama.cpp" -B "$bdir" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DGGML_NATIVE=OFF -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_OPENMP=ON \
    -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF >"$BUILD/llama/cmake-configure.log"
  nice -n 10 cmake --build "$bdir" --config Release -j "$JOBS" --target llama-server \
    >"$BUILD/llama/cmake-build.log"
  mkdir -p "$BUILD/llama/bin"
  cp "$bdir/bin/llama-server" "$SERVER_BIN"
}

build_wheel() {
  if ! ls "$WHEEL_DIR"/llama_cpp_python-"$LLAMA_CPP_PYTHON_VERSION"-*.whl >/dev/null 2>&1; then
    echo "setup: building the llama-cpp-python wheel (CPU, $JOBS jobs; a few minutes)"
    mkdir -p "$WHEEL_DIR"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_CUDA=OFF -DGGML_METAL=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAVA_BUILD=OFF" \
      CMAKE_BUILD_PARALLEL_LEVEL="$JOBS" \
      nice -n 10 "$VENV/bin/python" -m pip wheel --quiet --no-deps -w "$WHEEL_DIR" \
      "$SRC_DIR/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz"
  fi
  "$VENV/bin/python" -m pip install --quiet --no-deps \
    "$WHEEL_DIR"/llama_cpp_python-"$LLAMA_CPP_PYTHON_VERSION"-*.whl
  # Runtime dependencies of the binding (typing-extensions, numpy, diskcache, jinja2).
  "$VENV/bin/python" -m pip install --quiet "typing-extensions>=4.5" "numpy>=1.20" \
    "diskcache>=5.6.1" "jinja2>=2.11.3"
}

mkdir -p "$BUILD"
fetch_sdist
build_server
build_wheel
mkdir -p "$VENV/.stamps"
touch "$stamp"
