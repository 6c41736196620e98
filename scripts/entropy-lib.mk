# Builds libdbentropy.a from every entropy/*.c with the target's compiler.
#   make -f scripts/entropy-lib.mk SRCDIR=<repo> OUT=<dir> CC=<cc> CFLAGS=<flags>
# The library is linked into upstream's programs through LIBS.

SRCDIR ?= .
OUT ?= build/entropy
CFLAGS ?= -Os
ENTROPY_CFLAGS = -std=gnu99 -Wall -Wextra -I$(SRCDIR)/entropy

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
