################################################################################
#
# dropbear-entropy
#
################################################################################

# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers

# Not a package of its own: BR2_PACKAGE_DROPBEAR_ENTROPY selects
# Buildroot's dropbear, and external.mk adds to it the patch series (as a
# global patch directory, so Buildroot applies, lists and saves the
# patches as its own) and the hooks below. Buildroot's dropbear.mk
# downloads upstream's release and checks it against its own
# dropbear.hash; the module's sources come from the dropbear-entropy tree
# this BR2_EXTERNAL lives in (a clone or an unpacked release), so there
# is no tarball of ours to download or hash.
#
# The version stays upstream's (2026.94) and so does the CPE
# (dropbear_ssh_project:dropbear_ssh): the series changes no code that an
# upstream CVE is about, so every CVE of that release still applies, and
# pkg-stats, show-info and the SBOM (utils/generate-cyclonedx) show the
# fork as that release with our patches.

ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY),y)

DROPBEAR_ENTROPY_TOPDIR = $(realpath $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/../..)

# The upstream releases the series was made for and is kept applying to:
# the directories of packaging/generate in patches/dropbear/.
DROPBEAR_ENTROPY_RELEASES = \
	$(notdir $(patsubst %/,%,$(wildcard $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/patches/dropbear/*/)))
DROPBEAR_ENTROPY_MISMATCH = $(strip \
	$(if $(filter $(DROPBEAR_VERSION),$(DROPBEAR_ENTROPY_RELEASES)),,\
		dropbear-entropy: Buildroot's dropbear is $(DROPBEAR_VERSION)$(comma) the patches in $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/patches/dropbear are for dropbear $(DROPBEAR_ENTROPY_RELEASES): switch BR2_PACKAGE_DROPBEAR_ENTROPY off or use a matching dropbear-entropy tree))
# Buildroot counts show-info as building; it only reports, so it goes on.
ifeq ($(BR_BUILDING),y)
ifneq ($(filter-out show-info %-show-info,$(or $(MAKECMDGOALS),all)),)
ifneq ($(DROPBEAR_ENTROPY_MISMATCH),)
$(error $(DROPBEAR_ENTROPY_MISMATCH))
endif
endif
endif

# The same stop for what patches dropbear without building it
# (dropbear-legal-info, dropbear-patch from a nobuild target).
define DROPBEAR_ENTROPY_CHECK_VERSION
	$(if $(DROPBEAR_ENTROPY_MISMATCH),@echo "$(DROPBEAR_ENTROPY_MISMATCH)" >&2; exit 1)
endef

# After the series: the module's sources go to entropy/ next to src/,
# where the series' Makefile patch compiles them with upstream's
# programs, with the module's licence text (LICENSE of the tree).
define DROPBEAR_ENTROPY_ADD_MODULE
	rm -rf $(@D)/entropy
	cp -pR $(DROPBEAR_ENTROPY_TOPDIR)/entropy $(@D)/entropy
	$(INSTALL) -m 0644 $(DROPBEAR_ENTROPY_TOPDIR)/LICENSE $(@D)/entropy/LICENSE
endef

# legal-info saves upstream's tarball and the applied patches by itself;
# the module's sources (what the patched tree builds) go beside them.
define DROPBEAR_ENTROPY_LEGAL_INFO
	$(if $(filter YES,$(DROPBEAR_REDISTRIBUTE)), \
		rm -rf $(DROPBEAR_REDIST_SOURCES_DIR)/entropy && \
		mkdir -p $(DROPBEAR_REDIST_SOURCES_DIR) && \
		cp -pR $(DROPBEAR_DIR)/entropy $(DROPBEAR_REDIST_SOURCES_DIR)/entropy)
endef

# The module's optional sources; one left out compiles to nothing, and
# the server refuses its -X options.
DROPBEAR_ENTROPY_SOURCES = \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_BLOCK),block) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_SEED),seed) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_JITTER),jitter) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_HWRNG),hwrng) \
	$(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_CPURNG),cpurng)
DROPBEAR_ENTROPY_MAKE_OPTS = \
	ENTROPY_SOURCES="$(or $(strip $(DROPBEAR_ENTROPY_SOURCES)),none)"

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

# The seed directory the start script creates: the configured one, or
# the server's built-in default.
DROPBEAR_ENTROPY_SEED_DIR_OPT = $(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_SEED),$(call qstrip,$(BR2_PACKAGE_DROPBEAR_ENTROPY_SEED_DIR)))
ifneq ($(DROPBEAR_ENTROPY_SEED_DIR_OPT),)
DROPBEAR_ENTROPY_ARGS += -X seed-dir=$(DROPBEAR_ENTROPY_SEED_DIR_OPT)
endif
# Empty without the seed source: no directory made, no save at shutdown.
DROPBEAR_ENTROPY_SEED_DIR = $(if $(BR2_PACKAGE_DROPBEAR_ENTROPY_SOURCE_SEED),$(or $(DROPBEAR_ENTROPY_SEED_DIR_OPT),/var/lib/dropbear-entropy))

ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_KMSG),y)
DROPBEAR_ENTROPY_ARGS += -X kmsg
endif

DROPBEAR_ENTROPY_ARGS += $(call qstrip,$(BR2_PACKAGE_DROPBEAR_ENTROPY_EXTRA_ARGS))

# Read by S50dropbear and dropbear.service, and by S02dropbear-entropy
# and dropbear-entropy.service: the program's seed and save take the -X
# options of the server's arguments (the extra arguments may hold other
# server options), picked here by sh.
define DROPBEAR_ENTROPY_INSTALL_DEFAULTS
	mkdir -p $(TARGET_DIR)/etc/default
	printf '%s\n' \
		'# Written by the dropbear-entropy BR2_EXTERNAL from the Buildroot' \
		'# configuration; /etc/default/dropbear is for local additions.' \
		'DROPBEAR_ENTROPY_ARGS="$(strip $(DROPBEAR_ENTROPY_ARGS))"' \
		'DROPBEAR_SEED_DIR="$(DROPBEAR_ENTROPY_SEED_DIR)"' \
		> $(TARGET_DIR)/etc/default/dropbear-entropy
	set -- $(DROPBEAR_ENTROPY_ARGS); seed=; \
	while [ $$# -gt 0 ]; do \
		case "$$1" in \
		-X) [ $$# -ge 2 ] && { seed="$$seed -X $$2"; shift; } ;; \
		-X?*) seed="$$seed $$1" ;; \
		esac; \
		shift; \
	done; \
	printf 'DROPBEAR_ENTROPY_SEED_ARGS="%s"\n' "$${seed# }" \
		>> $(TARGET_DIR)/etc/default/dropbear-entropy
endef

# The start script and unit of this package replace dropbear's: they
# pass the options above and create the seed directory. They are
# installed by dropbear's own install step, after its init files.
# Without the seed source the units lose the lines of the seed directory:
# systemd gives "${DROPBEAR_SEED_DIR}" empty to mkdir as one empty
# argument (an error at each start), and "dropbear-entropy save" exits 1
# in such a build, which would leave the unit failed at each shutdown.
DROPBEAR_ENTROPY_UNIT_EDIT = $(if $(DROPBEAR_ENTROPY_SEED_DIR), \
	's|^RequiresMountsFor=.*|RequiresMountsFor=$(DROPBEAR_ENTROPY_SEED_DIR)|', \
	'/^RequiresMountsFor=/d;/^ExecStartPre=/d;/^ExecStop=/d')
define DROPBEAR_ENTROPY_INSTALL_INIT
	$(if $(BR2_INIT_SYSTEMD), \
		$(INSTALL) -D -m 644 $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/package/dropbear-entropy/dropbear.service \
			$(TARGET_DIR)/usr/lib/systemd/system/dropbear.service \
		$(if $(DROPBEAR_ENTROPY_SEED_DIR),, && \
			$(SED) '/^ExecStartPre=-\/bin\/mkdir /d' \
				$(TARGET_DIR)/usr/lib/systemd/system/dropbear.service))
	$(if $(BR2_INIT_SYSV)$(BR2_INIT_BUSYBOX)$(BR2_INIT_OPENRC), \
		$(INSTALL) -D -m 755 $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/package/dropbear-entropy/S50dropbear \
			$(TARGET_DIR)/etc/init.d/S50dropbear)
endef

# BR2_PACKAGE_DROPBEAR_ENTROPY_PROGRAM: the dropbear-entropy program, a
# name of dropbear's multi binary (Buildroot builds dropbear with
# MULTI=1 and installs it as /usr/sbin/dropbear), and its boot and
# shutdown script or unit; the unit waits for the seed directory's
# mount. Without the seed source the unit has no seed directory to
# wait for, make or save to: those lines go. Off: nothing of it is built
# or installed.
ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_PROGRAM),y)
DROPBEAR_ENTROPY_PROGRAMS = dropbear-entropy
define DROPBEAR_ENTROPY_INSTALL_PROGRAM
	ln -snf dropbear $(TARGET_DIR)/usr/sbin/dropbear-entropy
	$(if $(BR2_INIT_SYSTEMD), \
		$(INSTALL) -D -m 644 $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/package/dropbear-entropy/dropbear-entropy.service \
			$(TARGET_DIR)/usr/lib/systemd/system/dropbear-entropy.service && \
		$(SED) $(DROPBEAR_ENTROPY_UNIT_EDIT) \
			$(TARGET_DIR)/usr/lib/systemd/system/dropbear-entropy.service)
	$(if $(BR2_INIT_SYSV)$(BR2_INIT_BUSYBOX)$(BR2_INIT_OPENRC), \
		$(INSTALL) -D -m 755 $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/package/dropbear-entropy/S02dropbear-entropy \
			$(TARGET_DIR)/etc/init.d/S02dropbear-entropy)
endef
endif

endif
