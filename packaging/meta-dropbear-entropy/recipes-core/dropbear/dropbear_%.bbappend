# dropbear-entropy on OE-core's dropbear recipe: upstream's release (the
# recipe's own SRC_URI) + our patch series + the entropy module from our
# release tarball. OE-core's init script, dropbear.socket,
# dropbear@.service and dropbearkey.service are kept; the server options
# below reach all of them through /etc/default/dropbear.
#
# Settings, e.g. in local.conf:
#   DROPBEAR_ENTROPY_SOURCES = "block seed"  (the module's optional
#       entropy sources: any of "block seed jitter hwrng cpurng", spaces or
#       commas; "none" or "" for the core alone; default all five). A source
#       left out compiles to nothing and the server refuses its options:
#       block: -X blockdev= and a -X stim= naming block; seed: -X seed-dir=;
#       jitter: -X policy=jitter; cpurng: -X trust-cpu; hwrng: none.
#       Without block, the stimulators (and the default) are collector and
#       icmp. The build stops if the settings below pass an option of a
#       source left out.
#   DROPBEAR_ENTROPY_POLICY = "strict"       (-X policy=; empty: built-in)
#   DROPBEAR_ENTROPY_STIM = "collector,icmp" (-X stim=; empty: all the
#                                            build has)
#   DROPBEAR_ENTROPY_SEED_DIR = "/data/seed" (-X seed-dir=; empty: built-in)
#   DROPBEAR_ENTROPY_EXTRA_ARGS = "-X kmsg"  (anything else)
#   DBE_DIST_URI = "https://.../dropbear-entropy-0.1.0.tar.gz"

DBE_VERSION = "0.1.0"
DBE_UPSTREAM_VERSION = "2026.94"

# The patches are made for one upstream release: skip any other version
# of the recipe rather than patch it blindly.
python () {
    if d.getVar('PV') != d.getVar('DBE_UPSTREAM_VERSION'):
        raise bb.parse.SkipRecipe("dropbear-entropy %s is for dropbear %s, not %s"
                                  % (d.getVar('DBE_VERSION'), d.getVar('DBE_UPSTREAM_VERSION'), d.getVar('PV')))
}

# The clone this layer lives in (packaging/meta-dropbear-entropy/).
DBE_TOPDIR := "${@os.path.normpath(os.path.join(d.getVar('THISDIR'), '..', '..', '..', '..'))}"
# Our release tarball; the default is where `make dist` writes it.
DBE_DIST_URI ?= "file://${DBE_TOPDIR}/build/dist/dropbear-entropy-${DBE_VERSION}.tar.gz"
DBE_S = "${UNPACKDIR}/dropbear-entropy-${DBE_VERSION}"

FILESEXTRAPATHS:prepend := "${THISDIR}/files:"

# patches/series, in order.
SRC_URI += "file://0001-dbrandom-wait-for-the-kernel-RNG-through-the-entropy.patch \
            file://0002-svr-runopts-X-passes-options-to-the-entropy-module.patch \
            file://0003-svr-main-seed-the-kernel-RNG-before-accepting-connec.patch \
            file://0004-dropbear.8-document-X-and-the-wait-for-kernel-entrop.patch \
            ${DBE_DIST_URI};name=dbe \
            "
# Upstream's release as pinned in dropbear/upstream.pin (the recipe's own
# value, restated so that a different tarball fails here).
SRC_URI[sha256sum] = "e098034a843699200c8c977a991fff73159735bf795d5f72ef672c41a6b1ae81"
# Our release tarball (scripts/dist update-packaging writes this line).
SRC_URI[dbe.sha256sum] = "53b140e000e47b09f397b3137b868c95bf407cb36440426745135d5de9c16f29"

LICENSE:append = " AND MIT"
LIC_FILES_CHKSUM += "file://${DBE_S}/LICENSE;md5=5869bbe0656fce5e99ee487114dde63d"

# bitbake checks the SRC_URI checksum of a download, but not of a local
# file:// URL, and the default DBE_DIST_URI is one: check it here.
python dbe_check_dist () {
    import hashlib
    src = d.getVar('DBE_DIST_URI')
    if not src.startswith('file://'):
        return
    path = src[len('file://'):].split(';')[0]
    want = d.getVarFlag('SRC_URI', 'dbe.sha256sum')
    with open(path, 'rb') as f:
        got = hashlib.sha256(f.read()).hexdigest()
    if got != want:
        bb.fatal("%s: sha256 %s, expected %s (make dist in the clone; after a change, scripts/dist update-packaging)"
                 % (path, got, want))
}
do_unpack[prefuncs] += "dbe_check_dist"

# The module: a static library built with the target compiler before
# configure, because upstream's configure links its test programs with
# LIBS (the same as scripts/build-variant does).
CPPFLAGS:append = " -I${DBE_S}/entropy"
EXTRA_OECONF += "LIBS=${B}/dbentropy/libdbentropy.a"

DROPBEAR_ENTROPY_SOURCES ?= "block seed jitter hwrng cpurng"

do_configure:prepend () {
	${MAKE} -f ${DBE_S}/scripts/entropy-lib.mk SRCDIR=${DBE_S} OUT=${B}/dbentropy \
		CC="${CC}" AR="${AR}" CFLAGS="${CFLAGS}" \
		ENTROPY_SOURCES="${DROPBEAR_ENTROPY_SOURCES}"
}

DROPBEAR_ENTROPY_POLICY ?= ""
DROPBEAR_ENTROPY_STIM ?= ""
DROPBEAR_ENTROPY_SEED_DIR ?= ""
DROPBEAR_ENTROPY_EXTRA_ARGS ?= ""
# Nothing is passed for a setting left empty, so the defaults need no
# option the server might not know.
DBE_SERVER_ARGS = "${@' '.join(filter(None, [ \
    '-X policy=' + d.getVar('DROPBEAR_ENTROPY_POLICY') if d.getVar('DROPBEAR_ENTROPY_POLICY') else '', \
    '-X stim=' + d.getVar('DROPBEAR_ENTROPY_STIM') if d.getVar('DROPBEAR_ENTROPY_STIM') else '', \
    '-X seed-dir=' + d.getVar('DROPBEAR_ENTROPY_SEED_DIR') if d.getVar('DROPBEAR_ENTROPY_SEED_DIR') else '', \
    d.getVar('DROPBEAR_ENTROPY_EXTRA_ARGS') or '']))}"

# A server option of a source left out of the build would make the server
# refuse to start on the target: stop the build here instead.
python dbe_check_sources () {
    built = (d.getVar('DROPBEAR_ENTROPY_SOURCES') or '').replace(',', ' ').split()
    words = (d.getVar('DBE_SERVER_ARGS') or '').split()
    opts = [w[2:] for w in words if w.startswith('-X') and len(w) > 2]
    opts += [b for a, b in zip(words, words[1:]) if a == '-X']
    for opt in opts:
        key, _, value = opt.partition('=')
        need = {'blockdev': 'block', 'seed-dir': 'seed', 'trust-cpu': 'cpurng'}.get(key)
        if key == 'stim' and 'block' in value.split(','):
            need = 'block'
        elif key == 'policy' and value == 'jitter':
            need = 'jitter'
        if need and need not in built:
            bb.fatal("-X %s needs the %s source, which DROPBEAR_ENTROPY_SOURCES (\"%s\") leaves out"
                     % (opt, need, d.getVar('DROPBEAR_ENTROPY_SOURCES')))
}
do_configure[prefuncs] += "dbe_check_sources"

# OE-core's init script and dropbear@.service both pass
# $DROPBEAR_EXTRA_ARGS from /etc/default/dropbear to the server.
do_install:append () {
	if [ -n "${DBE_SERVER_ARGS}" ]; then
		if grep -q '^DROPBEAR_EXTRA_ARGS=' ${D}${sysconfdir}/default/dropbear; then
			sed -i -e 's|^DROPBEAR_EXTRA_ARGS="\(.*\)"$|DROPBEAR_EXTRA_ARGS="\1 ${DBE_SERVER_ARGS}"|' \
				${D}${sysconfdir}/default/dropbear
		else
			echo 'DROPBEAR_EXTRA_ARGS="${DBE_SERVER_ARGS}"' >> ${D}${sysconfdir}/default/dropbear
		fi
		grep -q -e '${DBE_SERVER_ARGS}' ${D}${sysconfdir}/default/dropbear
	fi
}
