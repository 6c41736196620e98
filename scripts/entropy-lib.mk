# Builds libdbentropy.a from every entropy/*.c with the target's compiler.
#   make -f scripts/entropy-lib.mk SRCDIR=<repo> OUT=<dir> CC=<cc> CFLAGS=<flags>
#       [ENTROPY_SOURCES="block seed jitter hwrng cpurng"]
# The library is linked into upstream's programs through LIBS.
# ENTROPY_SOURCES picks the optional sources (spaces or commas; "none" for
# the core alone: probe, progress, collector child, ICMP); default all.

SRCDIR ?= .
OUT ?= build/entropy
CFLAGS ?= -Os
# No unwind tables: the module is C without exceptions or thread
# cancellation, so .eh_frame (4.5 KB of 37 KB on aarch64) buys nothing but
# backtraces through a stripped binary, and size is a target (issue 4).
ENTROPY_CFLAGS = -std=gnu99 -Wall -Wextra -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-I$(SRCDIR)/entropy

ENTROPY_OPTIONAL := block seed jitter hwrng cpurng
ENTROPY_SOURCES ?= $(ENTROPY_OPTIONAL)
comma := ,
ent_selected := $(filter-out none,$(sort $(subst $(comma), ,$(ENTROPY_SOURCES))))
ent_unknown := $(filter-out $(ENTROPY_OPTIONAL),$(ent_selected))
ifneq ($(ent_unknown),)
$(error ENTROPY_SOURCES: unknown source "$(firstword $(ent_unknown))", expected any of $(ENTROPY_OPTIONAL) or none)
endif
ENTROPY_CFLAGS += $(foreach s,$(ENTROPY_OPTIONAL),-DENT_WITH_$(shell echo $(s) | tr a-z A-Z)=$(if $(filter $(s),$(ent_selected)),1,0))

SRCS := $(sort $(wildcard $(SRCDIR)/entropy/*.c))
OBJS := $(patsubst $(SRCDIR)/entropy/%.c,$(OUT)/%.o,$(SRCS))
HDRS := $(wildcard $(SRCDIR)/entropy/*.h)

$(OUT)/libdbentropy.a: $(OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# The selection is an input of every object: a change rebuilds them all.
ent_stamp := $(OUT)/sources.stamp
ent_stamp_text := $(or $(ent_selected),none)
$(shell mkdir -p $(OUT) && { [ "`cat $(ent_stamp) 2>/dev/null`" = "$(ent_stamp_text)" ] || \
	echo "$(ent_stamp_text)" > $(ent_stamp); })

$(OUT)/%.o: $(SRCDIR)/entropy/%.c $(HDRS) $(ent_stamp) | $(OUT)
	$(CC) $(CFLAGS) $(ENTROPY_CFLAGS) -c $< -o $@

$(OUT):
	mkdir -p $@
