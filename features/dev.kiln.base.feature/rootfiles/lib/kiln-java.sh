# Finds a Java runtime of version 21 or newer, in this order: $JAVA_HOME, java on the PATH, then the JDKs under
# $KILN_JVM_DIRS (default: /usr/lib/jvm /usr/java /opt/java).
# Sourced by Kiln's launchers and build scripts; defines kiln_find_java, which prints the java executable's path,
# or says on stderr that there is none and returns 1.

KILN_JAVA_MIN=21

# The feature version of the JDK at $1 (its home), read from its release file, else from java -version.
kiln_java_feature_version() {
    _home=$1
    _version=
    if [ -r "$_home/release" ]; then
        _version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$_home/release")
    fi
    if [ -z "$_version" ] && [ -x "$_home/bin/java" ]; then
        _version=$("$_home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
    fi
    echo "${_version:-0}"
}

kiln_find_java() {
    _candidates=
    if [ -n "${JAVA_HOME:-}" ]; then
        _candidates="$JAVA_HOME"
    fi
    if command -v java >/dev/null 2>&1; then
        _java=$(readlink -f "$(command -v java)")
        _candidates="$_candidates ${_java%/bin/java}"
    fi
    for _dir in ${KILN_JVM_DIRS:-/usr/lib/jvm /usr/java /opt/java}; do
        for _home in "$_dir"/*; do
            [ -d "$_home" ] && _candidates="$_candidates $_home"
        done
    done
    for _home in $_candidates; do
        if [ -x "$_home/bin/java" ] && [ "$(kiln_java_feature_version "$_home")" -ge "$KILN_JAVA_MIN" ]; then
            echo "$_home/bin/java"
            return 0
        fi
    done
    echo "kiln: no Java $KILN_JAVA_MIN or newer found (looked at JAVA_HOME, the PATH and /usr/lib/jvm);" \
        "install one (for example: apt-get install openjdk-21-jre-headless) or set JAVA_HOME" >&2
    return 1
}
