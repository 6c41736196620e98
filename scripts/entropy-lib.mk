# Builds libdbentropy.a from every entropy/*.c with the target's compiler.
#   make -f scripts/entropy-lib.mk SRCDIR=<repo> OUT=<dir> CC=<cc> CFLAGS=<flags>
# The library is linked into upstream's programs through LIBS.

SRCDIR ?= .
OUT ?= build/entropy
CFLAGS ?= -Os
# No unwind tables: the module is C without exceptions or thread
# cancellation, so .eh_frame (4.5 KB of 37 KB on aarch64) buys nothing but
# backtraces through a stripped binary, and size is a target (issue 4).
ENTROPY_CFLAGS = -std=gnu99 -Wall -Wextra -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-I$(SRCDIR)/entropy

SRCS := $(sort $(wildcard $(SRCDIR)/entropy/*.c))
OBJS := $(patsubst $(SRCDIR)/entropy/%.c,$(OUT)/%.o,$(SRCS))
HDRS := $(wildcard $(SRCDIR)/entropy/*.h)

$(OUT)/libdbentropy.a: $(OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(OUT)/%.o: $(SRCDIR)/entropy/%.c $(HDRS) | $(OUT)
	$(CC) $(CFLAGS) $(ENTROPY_CFLAGS) -c $< -o $@

$(OUT):
	mkdir -p $@
