# Sourced by bin/demo, bin/test and bin/cluster: create .venv and install the project into it.
ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "ReformTracker needs Python 3.11 or newer; set PYTHON to one." >&2
    exit 1
  fi
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  mkdir -p var
  if ! .venv/bin/python -m pip install --disable-pip-version-check -e ".${extras}" >var/pip.log 2>&1; then
    cat var/pip.log >&2
    exit 1
  fi
  export PATH="$PWD/.venv/bin:$PATH"
}
