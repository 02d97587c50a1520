#!/bin/sh
# Switchboard, as `switchboard install` put it here: runs the installed controller jar with the JVM options of the
# project's launcher. SWITCHBOARD_HEAP (default 512m) bounds the heap; SWITCHBOARD_JAVA_OPTS adds JVM options;
# SWITCHBOARD_JAVA names the java binary (default: java on the PATH, Java 17 or newer); SWITCHBOARD_WARMUP (default 3s,
# 0: off) is how long `run` drives its own packet-in path before it listens at least (then on until the JIT has caught
# up, about 20 s at most), so that the JIT has compiled it. The
# recompilation cutoffs are raised as the launcher does (JDK-8374307; docs/performance-history.md), and on two or three CPUs
# a second C2 compiler thread is started, as the launcher does (docs/overlay-scale.md).
jar='@LIBDIR@/switchboard.jar'
@CONFIG_ENV@
java="${SWITCHBOARD_JAVA:-java}"
command -v "$java" >/dev/null 2>&1 || { echo "switchboard: no java on the PATH (install openjdk-17-jre-headless)" >&2; exit 1; }
compilers=
case "$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 1)" in
  2|3) compilers=-XX:CICompilerCount=3 ;;
esac
exec "$java" --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  "-Xmx${SWITCHBOARD_HEAP:-512m}" -XX:PerMethodRecompilationCutoff=10000 -XX:PerBytecodeRecompilationCutoff=10000 $compilers \
  "-Dswitchboard.warmup=${SWITCHBOARD_WARMUP:-3s}" -XX:+ExitOnOutOfMemoryError ${SWITCHBOARD_JAVA_OPTS:-} -jar "$jar" "$@"
