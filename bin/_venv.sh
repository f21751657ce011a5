# Sourced by bin/demo and bin/test: create .venv and install the project into it.
ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "ReformTracker needs Python 3.11 or newer; set PYTHON to one." >&2
    exit 1
  fi
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  export PATH="$PWD/.venv/bin:$PATH"
}
