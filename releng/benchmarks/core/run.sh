#!/bin/sh
# Runs the coordinator core's benchmark on the classes of a built reactor (./mvnw -B verify first).
# Usage: releng/benchmarks/core/run.sh [fetch|fetch-db|submit|fill|heap|listing|all]
# (listing: build counts and the sorted build list on the database that fill makes)
# Results are printed; docs/BENCHMARKS.md holds the current figures against the targets.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
m2=${MAVEN_REPO:-$HOME/.m2/repository}
java_home=${JAVA_HOME:-$("$root/releng/find-jdk")}
work=${KILN_BENCHMARK_DIR:-$root/target/benchmark}

cp=""
for bundle in api datastore.jpa allocator coordinator; do
    classes="$root/bundles/dev.kiln.$bundle/target/classes"
    [ -d "$classes" ] || { echo "missing $classes: run ./mvnw -B verify first" >&2; exit 1; }
    cp="$cp:$classes"
done
for jar in "$root"/bundles/dev.kiln.datastore.jpa/lib/*.jar \
    "$m2/jakarta/persistence/jakarta.persistence-api/3.2.0/jakarta.persistence-api-3.2.0.jar" \
    "$m2/org/eclipse/persistence/org.eclipse.persistence.core/5.0.0/org.eclipse.persistence.core-5.0.0.jar" \
    "$m2/org/eclipse/persistence/org.eclipse.persistence.jpa/5.0.0/org.eclipse.persistence.jpa-5.0.0.jar" \
    "$m2/org/eclipse/persistence/org.eclipse.persistence.jpa.jpql/5.0.0/org.eclipse.persistence.jpa.jpql-5.0.0.jar" \
    "$m2/org/ow2/asm/asm/9.9.1/asm-9.9.1.jar" \
    "$m2/org/ow2/asm/asm-commons/9.9.1/asm-commons-9.9.1.jar" \
    "$m2/org/ow2/asm/asm-tree/9.9.1/asm-tree-9.9.1.jar" \
    "$m2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar"; do
    [ -f "$jar" ] || { echo "missing $jar" >&2; exit 1; }
    cp="$cp:$jar"
done
# The migration scripts live at the datastore bundle's root (db/migration), not among its classes.
cp="$cp:$root/bundles/dev.kiln.datastore.jpa"
cp=${cp#:}

out="$root/target/benchmark-classes"
mkdir -p "$out" "$work"
"$java_home/bin/javac" --release 21 -nowarn -d "$out" -cp "$cp" $(find "$here/src" -name '*.java')

run() {
    "$java_home/bin/java" "$@"
}
mode=${1:-all}
case $mode in
    all)
        run -Xmx1g -cp "$out:$cp" dev.kiln.benchmarks.CoreBenchmark fetch "$work"
        run -Xmx2g -cp "$out:$cp" dev.kiln.benchmarks.CoreBenchmark submit "$work"
        run -Xmx2g -cp "$out:$cp" dev.kiln.benchmarks.CoreBenchmark fetch-db "$work"
        [ -d "$work/million" ] || run -Xmx1g -cp "$out:$cp" dev.kiln.benchmarks.CoreBenchmark fill "$work"
        run -Xmx512m -cp "$out:$cp" dev.kiln.benchmarks.CoreBenchmark heap "$work"
        ;;
    heap) run -Xmx512m -cp "$out:$cp" dev.kiln.benchmarks.CoreBenchmark heap "$work" ;;
    listing) run -Xmx1g -cp "$out:$cp" dev.kiln.benchmarks.ListingBenchmark "$work" ;;
    *) run -Xmx2g -cp "$out:$cp" dev.kiln.benchmarks.CoreBenchmark "$mode" "$work" ;;
esac
