# `kiln` for every command but `kiln coordinator`, sourced by lib/kiln-launch with $home and $java set; defines
# kiln_client, which runs the command and never returns.
#
# A client command lives a fraction of a second, most of it spent starting: it runs without the OSGi framework, on a
# plain class path of the bundles it needs, with the JVM options of a short process, and with the classes it loads
# parsed and linked once into a per-user cache that every later run maps.

# The bundles a client command needs (the command line, the client and what they import, dev.kiln.store's imports
# among them), as plugins/NAME_VERSION.jar.
KILN_CLIENT_BUNDLES="dev.kiln.cli dev.kiln.client dev.kiln.protocol dev.kiln.retry dev.kiln.store dev.kiln.api picocli
    com.fasterxml.jackson.core.jackson-databind com.fasterxml.jackson.core.jackson-core
    com.fasterxml.jackson.core.jackson-annotations com.github.luben.zstd-jni org.tukaani.xz
    org.apache.commons.commons-compress org.apache.commons.commons-io"

kiln_client_classpath() {
    _classpath=
    for _bundle in $KILN_CLIENT_BUNDLES; do
        _found=
        for _jar in "$home/plugins/${_bundle}_"*.jar; do
            if [ -f "$_jar" ]; then
                _found=$_jar
                break
            fi
        done
        if [ -z "$_found" ]; then
            echo "kiln: $home/plugins holds no $_bundle bundle: the installation is incomplete" >&2
            exit 1
        fi
        _classpath="$_classpath${_classpath:+:}$_found"
    done
    echo "$_classpath"
}

# The JVM options that give this run the class cache: print them, and start writing the cache when it is missing.
# From JDK 24 on, an ahead-of-time cache: a run without one records the classes it uses, the next run assembles the
# cache from that record in the background, and the runs after it map the cache. Before JDK 24, a dynamic class data
# sharing archive that the JVM writes at the end of the first run and rewrites when it no longer matches. No cache
# when the cache directory cannot be written; a cache the JVM cannot use is ignored.
kiln_client_cache_options() {
    _dir=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/kiln
    mkdir -p "$_dir" 2>/dev/null && [ -w "$_dir" ] || return 0
    # One cache for each installation and JDK: a cache made with other jars or another JVM is useless.
    _sum=$({ printf '%s\n' "$java" "$1"; cat "${java%/bin/java}/release" 2>/dev/null || true; } | cksum)
    _cache="$_dir/cli-${_sum%% *}"
    if [ "$(kiln_java_feature_version "${java%/bin/java}")" -lt 24 ]; then
        echo "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$_cache.jsa -XX:+DisplayVMOutputToStderr"
    elif [ -f "$_cache.aot" ]; then
        echo "-XX:AOTCache=$_cache.aot"
    elif mv "$_cache.aotconf" "$_cache.aotconf.$$" 2>/dev/null; then
        # This run alone took the record (mv is atomic): it assembles the cache, apart from the command. What an
        # assembly that died left goes, and so do the caches of installations or JDKs unused for a month.
        for _left in "$_cache".aot.* "$_cache".aotconf.*; do
            [ "$_left" = "$_cache.aotconf.$$" ] || rm -f "$_left"
        done
        find "$_dir" -name 'cli-*' -atime +30 -exec rm -f {} + 2>/dev/null || true
        (
            "$java" $2 -XX:AOTMode=create -XX:AOTConfiguration="$_cache.aotconf.$$" -XX:AOTCache="$_cache.aot.$$" \
                -cp "$1" && mv -f "$_cache.aot.$$" "$_cache.aot"
            rm -f "$_cache.aotconf.$$" "$_cache.aot.$$"
        ) </dev/null >/dev/null 2>&1 &
    else
        # The JVM says that it recorded on its own output: standard error, not the command's output.
        echo "-XX:AOTMode=record -XX:AOTConfiguration=$_cache.aotconf -XX:+DisplayVMOutputToStderr"
    fi
}

kiln_client() {
    _classpath=$(kiln_client_classpath) || exit 1
    # C1 alone: compiling the code well would cost more than it saves. One thread of garbage collection for a small
    # heap. The JVM's own notes (about the class cache among them) would go to standard output, which scripts read:
    # errors only, on standard error.
    _jvm="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=error:stderr"
    _cache=$(kiln_client_cache_options "$_classpath" "$_jvm")
    # shellcheck disable=SC2086
    exec "$java" $_jvm $_cache ${KILN_JAVA_OPTS:-} -cp "$_classpath" \
        dev.kiln.cli.internal.KilnMain "$@"
}
