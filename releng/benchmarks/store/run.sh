#!/bin/sh
# Benchmarks dev.kiln.store against Nix on this machine:
#  - NAR serialisation + SHA-256 of a 1 GiB tree: `nix-store --dump DIR | sha256sum` against Kiln's NarWriter.digest,
#    throughput and peak RSS (from /usr/bin/time -v);
#  - parsing and checking 50,000 generated .drv texts.
# Needs nix-store, a JDK 21+ (releng/find-jdk) and about 1.1 GiB free under /tmp. Writes target/benchmarks/store/RESULTS.txt.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
java_home=${JAVA_HOME:-$("$root/releng/find-jdk")}
java="$java_home/bin/java"
work=${KILN_BENCH_DIR:-/tmp/kiln-store-benchmark}
tree="$work/tree"
classes="$work/classes"
results="$root/target/benchmarks/store/RESULTS.txt"
lib=$HOME/.m2/repository

mkdir -p "$work" "$(dirname "$results")"
rm -rf "$classes"
"$java_home/bin/javac" --release 21 -nowarn -d "$classes" \
    -cp "$lib/com/github/luben/zstd-jni/1.5.7-6/zstd-jni-1.5.7-6.jar:$lib/org/tukaani/xz/1.10/xz-1.10.jar:$lib/org/apache/commons/commons-compress/1.28.0/commons-compress-1.28.0.jar:$lib/commons-io/commons-io/2.20.0/commons-io-2.20.0.jar:$lib/org/osgi/osgi.annotation/8.1.0/osgi.annotation-8.1.0.jar" \
    $(find "$root/bundles/dev.kiln.store/src" -name '*.java')

if [ ! -f "$tree/.complete" ]; then
    # 1 GiB: 60 directories of 16 files of 1 MiB, and 64 MiB more in 16,384 files of 4 KiB.
    rm -rf "$tree"
    for d in $(seq 1 60); do
        mkdir -p "$tree/big/$d"
        for f in $(seq 1 16); do head -c 1048576 /dev/urandom > "$tree/big/$d/file-$f"; done
    done
    for d in $(seq 1 64); do
        mkdir -p "$tree/small/$d"
        for f in $(seq 1 256); do head -c 4096 /dev/urandom > "$tree/small/$d/f$f"; done
    done
    touch "$tree/.complete"
fi

rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
now() { date +%s.%N; }

{
    echo "dev.kiln.store benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
    echo "java: $("$java" -version 2>&1 | head -1); nix: $(nix-store --version)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows the wall-clock figures; CPU times do not count it)"
    echo "tree: $(du -sb "$tree" | cut -f1) bytes in $(find "$tree" -type f | wc -l) files (page cache warm)"
    cat "$tree"/big/*/* "$tree"/small/*/* > /dev/null

    nar_size=$(nix-store --dump "$tree" | wc -c)
    for run in 1 2 3; do
        start=$(now)
        /usr/bin/time -v -o "$work/nix.time" nix-store --dump "$tree" | sha256sum > "$work/nix.sha256"
        end=$(now)
        echo "nix-store --dump | sha256sum run $run: $(echo "$start $end $nar_size" | awk '{printf "%.2f s, %.0f MB/s", $2-$1, $3/($2-$1)/1e6}'), nix-store peak RSS $(rss "$work/nix.time") KiB"
    done

    echo "nix NAR: $nar_size bytes, sha256 $(cut -d' ' -f1 "$work/nix.sha256")"
    start=$(now)
    /usr/bin/time -v -o "$work/kiln.time" "$java" -Xmx64m -cp "$classes" "$here/StoreBenchmark.java" nar "$tree" 3
    end=$(now)
    echo "kiln whole process (JVM start, 3 runs, -Xmx64m): $(echo "$start $end" | awk '{printf "%.2f s", $2-$1}'), peak RSS $(rss "$work/kiln.time") KiB"

    "$java" -Xmx2g -cp "$classes" "$here/StoreBenchmark.java" drv 50000
} 2>&1 | tee "$results"
