# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
# The entropy module's sources and flags, for any build that compiles it:
# upstream's Makefile once patch 0005 is applied (the module is then at
# entropy/ next to src/).
#
# In:  ENTROPY_DIR      this directory
#      ENTROPY_OBJDIR   where the objects go
#      ENTROPY_SOURCES  the optional sources to build: any of
#                       "block seed jitter hwrng cpurng" (spaces or commas),
#                       "all", or "none" for the core alone; default
#                       "block", the build the size budget is measured on
# Out: ENTROPY_SRCS, ENTROPY_OBJS, ENTROPY_HDRS, ENTROPY_CFLAGS,
#      ENTROPY_COMPANION_OBJS (the program dropbear-entropy's own objects:
#      with ENTROPY_OBJS they make it; never part of the server),
#      ENTROPY_STAMP (an input of every object: rewritten only when the
#      selection changes, so that a new selection rebuilds them all)
#
# Every entropy/*.c is part of the module, except the companion program's
# files below: a new file of the module needs no edit here.

# The default is the core and block reads: what a board needs to get
# the kernel seeded, and the build the server's size budget (24 KiB over
# stock; make bench-size) is measured on. The seed file, our jitter collector, /dev/hwrng and
# the CPU's RNG are opt-in: each costs 3.5 to 17 KB, and a board that
# wants a seed file across boots usually has seedrng for it already.
ENTROPY_OPTIONAL := block seed jitter hwrng cpurng
ENTROPY_SOURCES ?= block
ent_comma := ,
ent_selected := $(filter-out none,$(sort $(patsubst all,$(ENTROPY_OPTIONAL),$(subst $(ent_comma), ,$(ENTROPY_SOURCES)))))
ent_unknown := $(filter-out $(ENTROPY_OPTIONAL),$(ent_selected))
ifneq ($(ent_unknown),)
$(error ENTROPY_SOURCES: unknown source "$(firstword $(ent_unknown))", expected any of $(ENTROPY_OPTIONAL), all or none)
endif

# No unwind tables: the module is C without exceptions or thread
# cancellation, so .eh_frame (4.5 KB of 37 KB on aarch64) buys nothing but
# backtraces through a stripped binary, and size is a target (issue 4).
# No frame pointer either (aarch64's gcc keeps one in every function that
# calls another): 1 KB of the module on musl aarch64 (issue 21), and
# upstream's libtommath is built so too.
ENTROPY_CFLAGS := -std=gnu99 -Wall -Wextra -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fomit-frame-pointer \
	-I$(ENTROPY_DIR) \
	$(foreach s,$(ENTROPY_OPTIONAL),-DENT_WITH_$(shell echo $(s) | tr a-z A-Z)=$(if $(filter $(s),$(ent_selected)),1,0))

# status and the command line (ent_status.c, ent_cli.c) cost the server
# nothing: they are linked into dropbear-entropy only. ENT_CLI_PROGRAM
# gives ent_cli.c its main() outside dropbearmulti.
ENTROPY_CFLAGS += -DENT_CLI_PROGRAM
ENTROPY_COMPANION_SRCS := $(ENTROPY_DIR)/ent_cli.c $(ENTROPY_DIR)/ent_status.c
ENTROPY_SRCS := $(filter-out $(ENTROPY_COMPANION_SRCS),$(sort $(wildcard $(ENTROPY_DIR)/*.c)))
ENTROPY_OBJS := $(patsubst $(ENTROPY_DIR)/%.c,$(ENTROPY_OBJDIR)/%.o,$(ENTROPY_SRCS))
ENTROPY_COMPANION_OBJS := $(patsubst $(ENTROPY_DIR)/%.c,$(ENTROPY_OBJDIR)/%.o,$(ENTROPY_COMPANION_SRCS))
ENTROPY_HDRS := $(wildcard $(ENTROPY_DIR)/*.h)

ENTROPY_STAMP := $(ENTROPY_OBJDIR)/sources.stamp
ent_stamp_text := $(or $(ent_selected),none)
$(shell mkdir -p $(ENTROPY_OBJDIR) && { [ "`cat $(ENTROPY_STAMP) 2>/dev/null`" = "$(ent_stamp_text)" ] || \
	echo "$(ent_stamp_text)" > $(ENTROPY_STAMP); })
