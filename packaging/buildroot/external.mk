include $(sort $(wildcard $(BR2_EXTERNAL_DROPBEAR_ENTROPY_PATH)/package/*/*.mk))
