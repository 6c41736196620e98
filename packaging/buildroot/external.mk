# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
include $(sort $(wildcard $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/package/*/*.mk))

# dropbear-entropy is built as Buildroot's dropbear package, with the
# patches of patches/dropbear/<version>/ and the hooks and options of
# package/dropbear-entropy/dropbear-entropy.mk. External trees are read
# after Buildroot's own packages, and the patch directories, hook lists
# and licence files are read only when the steps run, so dropbear gets
# them.
ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY),y)
# Buildroot's own way to add patches to a package (the manual's
# "Providing extra patches"): applied after dropbear's own, listed by
# show-info and the SBOM, saved by legal-info. The directory holds
# dropbear's patches only (packaging/generate writes it from patches/).
BR2_GLOBAL_PATCH_DIR += $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/patches
DROPBEAR_PRE_PATCH_HOOKS += DROPBEAR_ENTROPY_CHECK_VERSION
DROPBEAR_POST_PATCH_HOOKS += DROPBEAR_ENTROPY_ADD_MODULE
DROPBEAR_MAKE_OPTS += $(DROPBEAR_ENTROPY_MAKE_OPTS)
DROPBEAR_POST_INSTALL_TARGET_HOOKS += DROPBEAR_ENTROPY_INSTALL_INIT DROPBEAR_ENTROPY_INSTALL_DEFAULTS
ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_PROGRAM),y)
DROPBEAR_PROGRAMS += $(DROPBEAR_ENTROPY_PROGRAMS)
DROPBEAR_POST_INSTALL_TARGET_HOOKS += DROPBEAR_ENTROPY_INSTALL_PROGRAM
endif
DROPBEAR_LICENSE += , MIT (dropbear-entropy)
DROPBEAR_LICENSE_FILES += entropy/LICENSE
DROPBEAR_POST_LEGAL_INFO_HOOKS += DROPBEAR_ENTROPY_LEGAL_INFO
endif
