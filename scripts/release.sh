#!/usr/bin/env bash
# Release build of the multikernel provider: everything the Terraform registry and provider
# mirrors expect, in one directory (see docs/guides/releasing.md).
#
#   scripts/release.sh VERSION [OUTDIR]        (OUTDIR defaults to target/release/VERSION)
#
# OUTDIR/terraform-provider-multikernel_VERSION_OS_ARCH.zip     linux_amd64, linux_arm64 (with a
#                                                             Java runtime), darwin_amd64, darwin_arm64
# OUTDIR/terraform-provider-multikernel_VERSION_SHA256SUMS       (+ .sig, a detached GPG signature)
# OUTDIR/terraform-provider-multikernel_VERSION_manifest.json    (the registry's name for
#                                                             terraform-registry-manifest.json, also there)
# OUTDIR/network-mirror/HOST/NAMESPACE/TYPE/                     index.json, VERSION.json, the zips
# OUTDIR/filesystem-mirror/packed/...  and  .../unpacked/...     both filesystem_mirror layouts
#
# Environment:
#   GPG_FINGERPRINT     key that signs the SHA256SUMS (required unless RELEASE_UNSIGNED=1)
#   RELEASE_PLATFORMS   subset of the platforms, space-separated (default: all four)
#   RELEASE_ADDRESS     provider source address of the mirror layouts (default: the build's)
#   RELEASE_SKIP_BUILD  1 = use the provider jar of an earlier build of this commit
#   RELEASE_CACHE       where the Debian JDK packages are kept between builds
#
# Two builds of one commit give byte-identical zips: jar entry times come from the commit
# time (project.build.outputTimestamp), zip entries are sorted with fixed times and modes,
# and the jlink output has no CDS archive (the one thing jlink makes that differs per run).
set -euo pipefail
export LC_ALL=C TZ=UTC

root="$(cd "$(dirname "$0")/.." && pwd)"
die() { echo "release: $*" >&2; exit 1; }
say() { echo "release: $*" >&2; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: scripts/release.sh VERSION [OUTDIR]"
version=${1#v}
[[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] \
    || die "'$1' is not a semantic version such as 0.2.0"
out=${2:-$root/target/release/$version}
platforms=${RELEASE_PLATFORMS:-linux_amd64 linux_arm64 darwin_amd64 darwin_arm64}
for p in $platforms; do
    case $p in linux_amd64 | linux_arm64 | darwin_amd64 | darwin_arm64) ;;
        *) die "unknown platform '$p' (known: linux_amd64 linux_arm64 darwin_amd64 darwin_arm64)" ;;
    esac
done
for tool in java jlink zip unzip sha256sum dpkg apt-get; do
    command -v "$tool" >/dev/null || die "$tool is not on the PATH (scripts/install-test-deps.sh installs the release tools)"
done
if [ "${RELEASE_UNSIGNED:-0}" != 1 ]; then
    command -v gpg >/dev/null || die "gpg is not on the PATH"
    [ -n "${GPG_FINGERPRINT:-}" ] || die "set GPG_FINGERPRINT to the key that signs the release (or RELEASE_UNSIGNED=1)"
fi

type=multikernel
name=terraform-provider-$type
# The commit's time stamps every file, so a rebuild of the commit is identical.
epoch=$(git -C "$root" log -1 --format=%ct 2>/dev/null) || epoch=1767225600
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    say "warning: the work tree has uncommitted changes; this release is not the commit's"
fi

jar=$root/resources/target/multikernel-provider.jar
bridge_jar=$(ls "$root"/provider/target/tf-jvm-bridge*.jar 2>/dev/null | grep -v -- '-sources\|-tests' | head -n1 || true)
if [ "${RELEASE_SKIP_BUILD:-0}" != 1 ]; then
    say "build the provider (version $version, entry times of commit $(date -u -d "@$epoch" +%FT%TZ))"
    mvn -B -ntp -q -pl resources -am package -DskipTests -Dprovider.version="$version" \
        -Dproject.build.outputTimestamp="$epoch" >&2
    bridge_jar=$(ls "$root"/provider/target/tf-jvm-bridge*.jar | grep -v -- '-sources\|-tests' | head -n1)
fi
[ -f "$jar" ] && [ -n "$bridge_jar" ] || die "no provider jar in $root/resources/target: build first, or drop RELEASE_SKIP_BUILD"
# a release serves both host architectures
unzip -l "$jar" dev/multikernel/host/mkctl/mkctl-linux-aarch64 >/dev/null 2>&1 \
    || die "the provider jar has no mkctl for aarch64 hosts: install gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (scripts/install-test-deps.sh), then build again"
address=${RELEASE_ADDRESS:-$(sed -n 's:.*<provider.address>\(.*\)</provider.address>.*:\1:p' "$root/resources/pom.xml" | head -n1)}

work=$(mktemp -d "${TMPDIR:-/tmp}/mk-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"

# The modules the provider uses: what jdeps finds in the jar (read at each release, so a new
# dependency cannot be left out of the runtime: the daemon's jdk.net was), plus the EC provider
# TLS and SSH load as a service, which no class names.
modules=$(jdeps --ignore-missing-deps --multi-release 17 --print-module-deps "$jar") \
    || die "jdeps could not read $jar"
modules=$modules,jdk.crypto.ec

# Debian's JDK for one architecture, from the configured apt sources (kept in the cache).
debian_jmods() {
    local arch=$1 cache=${RELEASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/multikernel-release}/$1 deb
    mkdir -p "$cache"
    deb=$(ls "$cache"/openjdk-17-jdk-headless_*.deb 2>/dev/null | tail -n1 || true)
    if [ -z "$deb" ]; then
        if [ "$arch" != "$(dpkg --print-architecture)" ] && [[ " $(dpkg --print-foreign-architectures | tr '\n' ' ') " != *" $arch "* ]]; then
            die "apt has no $arch packages: run 'dpkg --add-architecture $arch && apt-get update' (as root), then again"
        fi
        say "fetch Debian's openjdk-17-jdk-headless:$arch"
        # into a directory of its own, then moved: builds running side by side share the cache
        mkdir -p "$work/deb-$arch"
        (cd "$work/deb-$arch" && apt-get download -q "openjdk-17-jdk-headless:$arch" >&2) \
            || die "apt-get download openjdk-17-jdk-headless:$arch failed (run apt-get update?)"
        deb=$(ls "$work/deb-$arch"/openjdk-17-jdk-headless_*.deb)
        mv -f "$deb" "$cache/"
        deb=$cache/${deb##*/}
    fi
    rm -rf "$work/jdk-$arch"
    dpkg -x "$deb" "$work/jdk-$arch"
    echo "$work/jdk-$arch/usr/lib/jvm/java-17-openjdk-$arch/jmods"
}

# A minimal runtime for linux_ARCH: jlink of Debian's jmods. --strip-debug would also run
# objcopy on the native libraries, which fails for the other architecture (and Debian's are
# stripped already), so only the Java debug attributes go.
runtime() {
    local arch=$1 dest=$2 jmods
    jmods=$(debian_jmods "$arch")
    say "jlink the linux_$arch runtime"
    jlink --module-path "$jmods" --add-modules "$modules" --strip-java-debug-attributes \
        --no-header-files --no-man-pages --compress=2 --output "$dest" >&2
}

# One platform's package directory: the launcher, lib/provider.jar, and for Linux runtime/.
stage() {
    local platform=$1 dir=$work/stage/$1 pkg
    java -cp "$bridge_jar" dev.tfjvm.launcher.InstallLayout --jar "$jar" --address "$address" \
        --version "$version" --platform "$platform" --out "$work/layout-$platform" >/dev/null
    pkg=$work/layout-$platform/mirror/$address/$version/$platform
    mkdir -p "$dir"
    cp -R "$pkg"/. "$dir"/
    case $platform in
        linux_amd64) runtime amd64 "$dir/runtime" ;;
        linux_arm64) runtime arm64 "$dir/runtime" ;;
    esac
    # jlink links the per-module legal notices to java.base's; a zip holds plain files
    find "$dir" -type l | while IFS= read -r link; do
        cp --remove-destination -- "$(readlink -f -- "$link")" "$link"
    done
    # fixed modes and times: what differs between build machines must not reach the zip
    find "$dir" -type d -exec chmod 0755 {} +
    find "$dir" -type f -perm -u+x -exec chmod 0755 {} +
    find "$dir" -type f ! -perm -u+x -exec chmod 0644 {} +
    find "$dir" -exec touch -h -d "@$epoch" {} +
}

# A zip with sorted entries, no directory entries, no extra fields (uid, gid, extra times).
pack() {
    local dir=$1 zipfile=$2
    (cd "$dir" && find . -type f -printf '%P\n' | sort | zip -q -X -D -9 "$zipfile" -@)
}

# Terraform's h1: hash (Go's dirhash Hash1) of a package directory.
h1() {
    local digest
    digest=$(cd "$1" && find . -type f -printf '%P\n' | sort | while IFS= read -r f; do
        printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
    done | sha256sum | cut -d' ' -f1)
    printf '%b' "$(sed 's/../\\x&/g' <<<"$digest")" | base64 -w0
}

zips=()
declare -A h1s zhs
for platform in $platforms; do
    say "package $platform"
    stage "$platform"
    zipfile=$out/${name}_${version}_${platform}.zip
    pack "$work/stage/$platform" "$zipfile"
    zips+=("$zipfile")
    h1s[$platform]=h1:$(h1 "$work/stage/$platform")
    zhs[$platform]=zh:$(sha256sum "$zipfile" | cut -d' ' -f1)
done

# The registry's manifest: protocol 6 (tfplugin6) only.
manifest=$root/terraform-registry-manifest.json
cp "$manifest" "$out/terraform-registry-manifest.json"
cp "$manifest" "$out/${name}_${version}_manifest.json"

sums=$out/${name}_${version}_SHA256SUMS
(cd "$out" && sha256sum -- *.zip "${name}_${version}_manifest.json" | sort -k2) >"$sums"
if [ "${RELEASE_UNSIGNED:-0}" != 1 ]; then
    say "sign the SHA256SUMS with $GPG_FINGERPRINT"
    gpg --batch --yes --local-user "$GPG_FINGERPRINT" --detach-sign --output "$sums.sig" "$sums"
fi

# Provider network mirror protocol: index.json lists the versions, VERSION.json the archives
# (URLs relative to it) with hashes Terraform checks and records in .terraform.lock.hcl.
net=$out/network-mirror/$address
mkdir -p "$net"
printf '{"versions":{"%s":{}}}\n' "$version" >"$net/index.json"
{
    printf '{"archives":{'
    sep=
    for platform in $platforms; do
        printf '%s"%s":{"url":"%s","hashes":["%s","%s"]}' "$sep" "$platform" \
            "${name}_${version}_${platform}.zip" "${h1s[$platform]}" "${zhs[$platform]}"
        sep=,
    done
    printf '}}\n'
} >"$net/$version.json"
packed=$out/filesystem-mirror/packed/$address
mkdir -p "$packed"
for z in "${zips[@]}"; do
    cp "$z" "$net/"
    cp "$z" "$packed/"
done
for platform in $platforms; do
    mkdir -p "$out/filesystem-mirror/unpacked/$address/$version"
    cp -R "$work/stage/$platform" "$out/filesystem-mirror/unpacked/$address/$version/$platform"
done

say "done: $out"
(cd "$out" && ls -l -- *.zip *_SHA256SUMS* *manifest.json) >&2
