include $(sort $(wildcard $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/package/*/*.mk))

# dropbear-entropy is built as Buildroot's dropbear package, with the
# hooks and options of package/dropbear-entropy/dropbear-entropy.mk.
# External trees are read after Buildroot's own packages, and the hook
# lists are read only when the steps run, so dropbear gets them.
ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY),y)
DROPBEAR_POST_PATCH_HOOKS += DROPBEAR_ENTROPY_ADD_MODULE
DROPBEAR_MAKE_OPTS += $(DROPBEAR_ENTROPY_MAKE_OPTS)
DROPBEAR_POST_INSTALL_TARGET_HOOKS += DROPBEAR_ENTROPY_INSTALL_INIT DROPBEAR_ENTROPY_INSTALL_DEFAULTS
ifeq ($(BR2_PACKAGE_DROPBEAR_ENTROPY_PROGRAM),y)
DROPBEAR_PROGRAMS += $(DROPBEAR_ENTROPY_PROGRAMS)
DROPBEAR_POST_INSTALL_TARGET_HOOKS += DROPBEAR_ENTROPY_INSTALL_PROGRAM
endif
DROPBEAR_LICENSE += , MIT (dropbear-entropy)
endif
