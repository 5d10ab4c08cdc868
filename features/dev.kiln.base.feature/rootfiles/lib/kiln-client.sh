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
# The cache is written once, in the background and at a low priority, by a run of dev.kiln.cli.internal.KilnTraining
# that runs the usual commands against a stand-in coordinator, so that it holds what any client command loads; the
# run that started it goes on without a cache. From JDK 24 on, an ahead-of-time cache (recorded, then assembled);
# before, a class data sharing archive. No cache when the cache directory cannot be written; a cache the JVM cannot
# use is ignored.
kiln_client_cache_options() {
    _dir=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/kiln
    mkdir -p "$_dir" 2>/dev/null && [ -w "$_dir" ] || return 0
    # One cache for each build of the installation and each JDK: a cache made from other jars (the same names
    # rebuilt, say) or by another JVM is useless, and the JVM would pass over it on every run.
    # shellcheck disable=SC2086
    _sum=$({ printf '%s\n' "$java" "$1"; (IFS=: && ls -lnL $1); cat "${java%/bin/java}/release"; } 2>/dev/null | cksum)
    _cache="$_dir/cli-${_sum%% *}"
    if [ "$(kiln_java_feature_version "${java%/bin/java}")" -lt 24 ]; then
        _kind=jsa
        _use="-XX:SharedArchiveFile=$_cache.jsa"
    else
        _kind=aot
        _use="-XX:AOTCache=$_cache.aot"
    fi
    if [ -f "$_cache.$_kind" ]; then
        echo "$_use"
        return 0
    fi
    # A cache that could not be written is tried again a day later, not on every run.
    if [ -f "$_cache.failed" ] && [ -n "$(find "$_cache.failed" -mmin -1440 2>/dev/null)" ]; then
        return 0
    fi
    # One writer at a time: the run that creates the lock (atomically, with noclobber) writes the cache; a lock
    # whose writer is gone is removed, and the next run writes it.
    _lock="$_cache.lock"
    if ! (set -C && echo $$ > "$_lock") 2>/dev/null; then
        _writer=$(cat "$_lock" 2>/dev/null) || return 0
        kill -0 "$_writer" 2>/dev/null || rm -f "$_lock"
        return 0
    fi
    # What a writer that died left goes, and so do the caches of builds or JDKs unused for a month.
    rm -f "$_cache".aot.* "$_cache".aotconf.* "$_cache".jsa.*
    find "$_dir" -name 'cli-*' -atime +30 -exec rm -f {} + 2>/dev/null || true
    # shellcheck disable=SC2086
    (
        _training="dev.kiln.cli.internal.KilnTraining"
        if [ "$_kind" = aot ]; then
            nice "$java" $2 -XX:AOTMode=record -XX:AOTConfiguration="$_cache.aotconf.$$" -cp "$1" $_training &&
                nice "$java" $2 -XX:AOTMode=create -XX:AOTConfiguration="$_cache.aotconf.$$" \
                    -XX:AOTCache="$_cache.aot.$$" -cp "$1" &&
                mv -f "$_cache.aot.$$" "$_cache.aot"
        else
            nice "$java" $2 -XX:ArchiveClassesAtExit="$_cache.jsa.$$" -cp "$1" $_training &&
                mv -f "$_cache.jsa.$$" "$_cache.jsa"
        fi || : >"$_cache.failed"
        rm -f "$_cache.aotconf.$$" "$_cache.aot.$$" "$_cache.jsa.$$" "$_lock"
    ) </dev/null >/dev/null 2>&1 &
    echo $! > "$_lock"
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
