################################################################################
#
# dropbear-entropy
#
################################################################################

# Two downloads: upstream's release (the main source, so that the build
# directory is upstream's tree) and our release tarball, which carries the
# patch series and the entropy module. Both are checked against
# dropbear-entropy.hash.
DROPBEAR_ENTROPY_VERSION = 0.1.0
DROPBEAR_ENTROPY_UPSTREAM_VERSION = 2026.94
DROPBEAR_ENTROPY_SITE = https://matt.ucc.asn.au/dropbear/releases
DROPBEAR_ENTROPY_SOURCE = dropbear-$(DROPBEAR_ENTROPY_UPSTREAM_VERSION).tar.bz2
DROPBEAR_ENTROPY_DIST = dropbear-entropy-$(DROPBEAR_ENTROPY_VERSION).tar.gz
DROPBEAR_ENTROPY_DIST_SITE = $(call qstrip,$(BR2_PACKAGE_DROPBEAR_ENTROPY_DIST_SITE))
ifeq ($(DROPBEAR_ENTROPY_DIST_SITE),)
DROPBEAR_ENTROPY_DIST_SITE = file://$(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/../../build/dist
endif
DROPBEAR_ENTROPY_EXTRA_DOWNLOADS = $(DROPBEAR_ENTROPY_DIST_SITE)/$(DROPBEAR_ENTROPY_DIST)
DROPBEAR_ENTROPY_LICENSE = MIT (dropbear-entropy), MIT, BSD-2-Clause, Public domain
DROPBEAR_ENTROPY_LICENSE_FILES = LICENSE dropbear-entropy/LICENSE
DROPBEAR_ENTROPY_CPE_ID_VENDOR = dropbear_ssh_project
DROPBEAR_ENTROPY_CPE_ID_PRODUCT = dropbear_ssh
DROPBEAR_ENTROPY_CPE_ID_VERSION = $(DROPBEAR_ENTROPY_UPSTREAM_VERSION)
DROPBEAR_ENTROPY_TARGET_BINS = dropbearkey dropbearconvert scp
DROPBEAR_ENTROPY_PROGRAMS = dropbear dropbearkey dropbearconvert scp

# Upstream's hardening flags are left to Buildroot's own options.
DROPBEAR_ENTROPY_CONF_OPTS = --disable-harden

ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_CLIENT),y)
DROPBEAR_ENTROPY_PROGRAMS += dbclient
DROPBEAR_ENTROPY_TARGET_BINS += dbclient ssh
endif

DROPBEAR_ENTROPY_MAKE = \
	$(MAKE) MULTI=1 SCPPROGRESS=1 \
	PROGRAMS="$(DROPBEAR_ENTROPY_PROGRAMS)"

# Our tarball goes to dropbear-entropy/ inside upstream's tree.
define DROPBEAR_ENTROPY_EXTRACT_DIST
	mkdir -p $(@D)/dropbear-entropy
	$(call suitable-extractor,$(DROPBEAR_ENTROPY_DIST)) \
		$(DROPBEAR_ENTROPY_DL_DIR)/$(DROPBEAR_ENTROPY_DIST) | \
		$(TAR) --strip-components=1 -C $(@D)/dropbear-entropy $(TAR_OPTIONS) -
endef
DROPBEAR_ENTROPY_POST_EXTRACT_HOOKS += DROPBEAR_ENTROPY_EXTRACT_DIST

# apply-patches.sh applies a directory holding a "series" file in the
# order that file gives, which is the order dropbear/unpack uses.
define DROPBEAR_ENTROPY_APPLY_SERIES
	$(APPLY_PATCHES) $(@D) $(@D)/dropbear-entropy/patches
endef
DROPBEAR_ENTROPY_POST_PATCH_HOOKS += DROPBEAR_ENTROPY_APPLY_SERIES

# The module's optional sources; one left out compiles to nothing, and
# the server refuses its -X options.
DROPBEAR_ENTROPY_SOURCES = \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_BLOCK),block) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_SEED),seed) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_JITTER),jitter) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_HWRNG),hwrng) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_CPURNG),cpurng)

# The module is a static library of its own, built with the target
# compiler before configure: upstream's configure links its test
# programs with LIBS, so the archive must exist by then.
define DROPBEAR_ENTROPY_BUILD_MODULE
	$(TARGET_MAKE_ENV) $(MAKE) -f $(@D)/dropbear-entropy/scripts/entropy-lib.mk \
		SRCDIR=$(@D)/dropbear-entropy OUT=$(@D)/dbentropy \
		CC="$(TARGET_CC)" AR="$(TARGET_AR)" CFLAGS="$(TARGET_CFLAGS)" \
		ENTROPY_SOURCES="$(or $(strip $(DROPBEAR_ENTROPY_SOURCES)),none)"
endef
DROPBEAR_ENTROPY_PRE_CONFIGURE_HOOKS += DROPBEAR_ENTROPY_BUILD_MODULE

DROPBEAR_ENTROPY_CONF_ENV = \
	CPPFLAGS="$(TARGET_CPPFLAGS) -I$(DROPBEAR_ENTROPY_DIR)/dropbear-entropy/entropy" \
	LIBS="$(DROPBEAR_ENTROPY_DIR)/dbentropy/libdbentropy.a"

# With BR2_SHARED_STATIC_LIBS=y the infrastructure passes --enable-static,
# which would make dropbear a static binary.
ifeq ($(BR2_SHARED_STATIC_LIBS),y)
DROPBEAR_ENTROPY_CONF_OPTS += --disable-static
endif

ifeq ($(BR2_PACKAGE_LIBXCRYPT),y)
DROPBEAR_ENTROPY_DEPENDENCIES += libxcrypt
endif

# localoptions.h, as the dropbear package writes it: every hook appends.
# No crypt(): password login is left out rather than failing the build.
define DROPBEAR_ENTROPY_SVR_PASSWORD_AUTH
	echo '#if !HAVE_CRYPT' >> $(@D)/localoptions.h
	echo '#define DROPBEAR_SVR_PASSWORD_AUTH 0' >> $(@D)/localoptions.h
	echo '#endif' >> $(@D)/localoptions.h
endef
DROPBEAR_ENTROPY_POST_EXTRACT_HOOKS += DROPBEAR_ENTROPY_SVR_PASSWORD_AUTH

ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_DISABLE_REVERSEDNS),)
define DROPBEAR_ENTROPY_ENABLE_REVERSE_DNS
	echo '#define DO_HOST_LOOKUP 1' >> $(@D)/localoptions.h
endef
DROPBEAR_ENTROPY_POST_EXTRACT_HOOKS += DROPBEAR_ENTROPY_ENABLE_REVERSE_DNS
endif

ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_SMALL),y)
DROPBEAR_ENTROPY_LICENSE += , Unlicense, WTFPL
DROPBEAR_ENTROPY_LICENSE_FILES += libtommath/LICENSE libtomcrypt/LICENSE
DROPBEAR_ENTROPY_CONF_OPTS += --disable-zlib --enable-bundled-libtom
else
define DROPBEAR_ENTROPY_BUILD_FEATURED
	echo '#define DROPBEAR_SMALL_CODE 0' >> $(@D)/localoptions.h
endef
DROPBEAR_ENTROPY_POST_EXTRACT_HOOKS += DROPBEAR_ENTROPY_BUILD_FEATURED
DROPBEAR_ENTROPY_DEPENDENCIES += zlib libtomcrypt
DROPBEAR_ENTROPY_CONF_OPTS += --disable-bundled-libtom
endif

define DROPBEAR_ENTROPY_CUSTOM_PATH
	echo '#define DEFAULT_PATH $(BR2_SYSTEM_DEFAULT_PATH)' >> $(@D)/localoptions.h
endef
DROPBEAR_ENTROPY_POST_EXTRACT_HOOKS += DROPBEAR_ENTROPY_CUSTOM_PATH

# Buildroot creates neither wtmp nor lastlog.
DROPBEAR_ENTROPY_CONF_OPTS += --disable-wtmp --disable-lastlog

DROPBEAR_ENTROPY_LOCALOPTIONS_FILE = $(call qstrip,$(BR2_PACKAGE_DROPBEAR_ENTROPY_LOCALOPTIONS_FILE))
ifneq ($(DROPBEAR_ENTROPY_LOCALOPTIONS_FILE),)
define DROPBEAR_ENTROPY_APPEND_LOCALOPTIONS_FILE
	cat $(DROPBEAR_ENTROPY_LOCALOPTIONS_FILE) >> $(@D)/localoptions.h
endef
DROPBEAR_ENTROPY_POST_EXTRACT_HOOKS += DROPBEAR_ENTROPY_APPEND_LOCALOPTIONS_FILE
endif

# The server's -X options from the configuration. Nothing is passed for a
# setting left at its default, so the defaults need no option that the
# server might not know. An option of a source left out of the build is
# never passed: the server would refuse it. (Kconfig hides those options
# then; the checks here also cover a configuration edited by hand.)
ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_POLICY_STRICT),y)
DROPBEAR_ENTROPY_ARGS += -X policy=strict
else ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_POLICY_DEFAULT),y)
DROPBEAR_ENTROPY_ARGS += -X policy=default
else ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_POLICY_JITTER)$(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_JITTER),yy)
DROPBEAR_ENTROPY_ARGS += -X policy=jitter
endif

# Without the block source the server's stimulators, and its default,
# are collector and icmp: -X stim= is passed only for fewer than those
# that this build has.
DROPBEAR_ENTROPY_STIM_AVAILABLE = collector icmp \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_BLOCK),block)
DROPBEAR_ENTROPY_STIM = \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_STIM_COLLECTOR),collector) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_STIM_ICMP),icmp) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_BLOCK),$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_STIM_BLOCK),block))
ifeq ($(words $(DROPBEAR_ENTROPY_STIM)),0)
DROPBEAR_ENTROPY_ARGS += -X stim=none
else ifneq ($(words $(DROPBEAR_ENTROPY_STIM)),$(words $(DROPBEAR_ENTROPY_STIM_AVAILABLE)))
DROPBEAR_ENTROPY_ARGS += -X stim=$(subst $(space),$(comma),$(strip $(DROPBEAR_ENTROPY_STIM)))
endif

DROPBEAR_ENTROPY_SEED_DIR = $(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_SEED),$(call qstrip,$(BR2_PACKAGE_DROPBEAR_ENTROPY_SEED_DIR)))
ifneq ($(DROPBEAR_ENTROPY_SEED_DIR),)
DROPBEAR_ENTROPY_ARGS += -X seed-dir=$(DROPBEAR_ENTROPY_SEED_DIR)
else
DROPBEAR_ENTROPY_SEED_DIR = /var/lib/dropbear-entropy
endif

ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_KMSG),y)
DROPBEAR_ENTROPY_ARGS += -X kmsg
endif

DROPBEAR_ENTROPY_ARGS += $(call qstrip,$(BR2_PACKAGE_DROPBEAR_ENTROPY_EXTRA_ARGS))

# Read by S50dropbear and dropbear.service.
define DROPBEAR_ENTROPY_INSTALL_DEFAULTS
	mkdir -p $(TARGET_DIR)/etc/default
	printf '%s\n' \
		'# Written by the dropbear-entropy package from the Buildroot' \
		'# configuration; /etc/default/dropbear is for local additions.' \
		'DROPBEAR_ENTROPY_ARGS="$(strip $(DROPBEAR_ENTROPY_ARGS))"' \
		'DROPBEAR_SEED_DIR="$(DROPBEAR_ENTROPY_SEED_DIR)"' \
		> $(TARGET_DIR)/etc/default/dropbear-entropy
endef
DROPBEAR_ENTROPY_POST_INSTALL_TARGET_HOOKS += DROPBEAR_ENTROPY_INSTALL_DEFAULTS

define DROPBEAR_ENTROPY_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 644 $(DROPBEAR_ENTROPY_PKGDIR)/dropbear.service \
		$(TARGET_DIR)/usr/lib/systemd/system/dropbear.service
endef

define DROPBEAR_ENTROPY_INSTALL_INIT_SYSV
	$(INSTALL) -D -m 755 $(DROPBEAR_ENTROPY_PKGDIR)/S50dropbear \
		$(TARGET_DIR)/etc/init.d/S50dropbear
endef

define DROPBEAR_ENTROPY_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 755 $(@D)/dropbearmulti $(TARGET_DIR)/usr/sbin/dropbear
	for f in $(DROPBEAR_ENTROPY_TARGET_BINS); do \
		ln -snf ../sbin/dropbear $(TARGET_DIR)/usr/bin/$$f || exit 1; \
	done
	ln -snf /var/run/dropbear $(TARGET_DIR)/etc/dropbear
endef

$(eval $(autotools-package))
