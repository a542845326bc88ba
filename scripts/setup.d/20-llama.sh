#!/usr/bin/env bash
# Builds the bundled CPU inference engine from the llama-cpp-python sdist on PyPI:
#   1. `llama-server` (continuous batching, parallel slots) into .build/llama/bin/
#   2. the llama-cpp-python wheel, cached under .build/wheels/ and installed into .venv
# Each step is skipped when its cached artefact exists (.build/ survives a new .venv), so only
# a fresh machine compiles. Builds run under `nice` with at most $KIMI_BUILD_JOBS (default 2)
# jobs; their output goes to .build/llama/*.log, whose tail is printed when a step fails.
set -euo pipefail
VENV="${VENV:-.venv}"
LLAMA_CPP_PYTHON_VERSION="0.3.36"
BUILD=".build"
SRC_DIR="$BUILD/src"
SDIST="$SRC_DIR/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz"
SDIST_DIR="$SRC_DIR/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION"
SERVER_BIN="$BUILD/llama/bin/llama-server"
WHEEL_DIR="$BUILD/wheels"
LOGS="$BUILD/llama"
JOBS="${KIMI_BUILD_JOBS:-2}"
stamp="$VENV/.stamps/llama-$LLAMA_CPP_PYTHON_VERSION"

if [ -f "$stamp" ] && [ -x "$SERVER_BIN" ]; then
  exit 0
fi

fail() { # fail WHAT LOG HINT
  echo "setup: 20-llama: $1 failed." >&2
  if [ -n "$2" ] && [ -f "$2" ]; then
    echo "setup: last lines of $2:" >&2
    tail -n 25 "$2" | sed 's/^/    /' >&2
  fi
  echo "setup: $3" >&2
  exit 1
}

logged() { # logged LOG CMD...: run CMD niced, output to LOG
  local log="$1"
  shift
  nice -n 10 "$@" >"$log" 2>&1
}

ensure_cmake() {
  command -v cmake >/dev/null && return 0
  echo "setup: installing cmake"
  mkdir -p "$LOGS"
  if ! { apt-get update -qq && apt-get install -y -qq cmake; } >"$LOGS/cmake-install.log" 2>&1; then
    # no apt (or no root): the PyPI cmake package works as well
    "$VENV/bin/python" -m pip install --quiet cmake >>"$LOGS/cmake-install.log" 2>&1 \
      || fail "installing cmake" "$LOGS/cmake-install.log" \
        "install cmake (apt-get install cmake, or pip install cmake) and run make setup again"
    export PATH="$PWD/$VENV/bin:$PATH"
  fi
}

fetch_sdist() {
  [ -f "$SDIST_DIR/vendor/llama.cpp/CMakeLists.txt" ] && return 0
  echo "setup: downloading the llama-cpp-python $LLAMA_CPP_PYTHON_VERSION sdist from PyPI"
  mkdir -p "$SRC_DIR" "$LOGS"
  "$VENV/bin/python" -m pip download --no-binary :all: --no-deps -d "$SRC_DIR" \
    "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" >"$LOGS/download.log" 2>&1 \
    || fail "downloading llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" "$LOGS/download.log" \
      "PyPI must be reachable (check the network or PIP_INDEX_URL), then run make setup again"
  rm -rf "$SDIST_DIR"
  tar -xzf "$SDIST" -C "$SRC_DIR" || {
    rm -f "$SDIST"
    fail "unpacking $SDIST" "" "the download was damaged and has been removed; run make setup again"
  }
}

build_server() {
  [ -x "$SERVER_BIN" ] && return 0
  echo "setup: building llama-server (CPU, $JOBS jobs under nice; several minutes on 2 cores)"
  local bdir="$BUILD/llama/cmake"
  mkdir -p "$LOGS"
  logged "$LOGS/cmake-configure.log" cmake -S "$SDIST_DIR/vendor/llama.cpp" -B "$bdir" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DGGML_NATIVE=OFF -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_OPENMP=ON \
    -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
    || fail "configuring llama-server" "$LOGS/cmake-configure.log" \
      "needs gcc/g++ and cmake >= 3.14; fix the error above and run make setup again"
  logged "$LOGS/cmake-build.log" cmake --build "$bdir" --config Release -j "$JOBS" \
    --target llama-server \
    || fail "compiling llama-server" "$LOGS/cmake-build.log" \
      "fix the error above and run make setup again (the build resumes where it stopped)"
  mkdir -p "$BUILD/llama/bin"
  cp "$bdir/bin/llama-server" "$SERVER_BIN.tmp"
  "$SERVER_BIN.tmp" --version >"$LOGS/server-version.log" 2>&1 \
    || fail "running the built llama-server" "$LOGS/server-version.log" \
      "the binary does not start on this machine; remove .build/llama and run make setup again"
  mv "$SERVER_BIN.tmp" "$SERVER_BIN"
}

build_wheel() {
  if ! ls "$WHEEL_DIR"/llama_cpp_python-"$LLAMA_CPP_PYTHON_VERSION"-*.whl >/dev/null 2>&1; then
    echo "setup: building the llama-cpp-python wheel (CPU, $JOBS jobs under nice; a few minutes)"
    mkdir -p "$WHEEL_DIR" "$LOGS"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_CUDA=OFF -DGGML_METAL=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAVA_BUILD=OFF" \
      CMAKE_BUILD_PARALLEL_LEVEL="$JOBS" \
      logged "$LOGS/wheel-build.log" "$VENV/bin/python" -m pip wheel --no-deps -w "$WHEEL_DIR" \
      "$SDIST" \
      || fail "building the llama-cpp-python wheel" "$LOGS/wheel-build.log" \
        "fix the error above and run make setup again (llama-server is already cached)"
  fi
  "$VENV/bin/python" -m pip install --quiet --no-deps \
    "$WHEEL_DIR"/llama_cpp_python-"$LLAMA_CPP_PYTHON_VERSION"-*.whl
  # Runtime dependencies of the binding (typing-extensions, numpy, diskcache, jinja2).
  "$VENV/bin/python" -m pip install --quiet "typing-extensions>=4.5" "numpy>=1.20" \
    "diskcache>=5.6.1" "jinja2>=2.11.3"
}

mkdir -p "$BUILD"
ensure_cmake
fetch_sdist
build_server
build_wheel
mkdir -p "$VENV/.stamps"
touch "$stamp"
