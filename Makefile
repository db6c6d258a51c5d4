# SPDX-License-Identifier: GPL-2.0
#
# vfcb: SR-IOV VF configuration blocks for Linux.
#
#   make               build the modules against KDIR, and the tools
#   make demo          set up if needed, boot the nested rig, show vfcb at work
#   make check         everything CI runs; ends with "N passed, N failed"
#   make check-quick   unit tests, fuzz corpus replay, static checks (< 1 min)
#   make soak          fault loops and fuzzers at full count, one table (hours)
#   make help          every target
#
# KDIR defaults to the headers of the rig's guest kernel (build/rig/
# kernels.env, written by scripts/setup.sh), not to the running kernel.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
RIG_DIR ?= $(TOP)/build/rig
RESULTS := $(TOP)/build/results
UNIT_DIR := $(TOP)/build/unit

-include $(RIG_DIR)/kernels.env
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
# The host topology runs on both Debian 12 kernels, the nested one on 6.12.
KVERS_HOST := $(strip $(KVER_6_12) $(KVER_6_1))
KVER_NESTED := $(KVER_6_12)

CC ?= gcc
CLANG ?= clang
USER_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	       -I$(TOP)/uapi -I$(TOP)/engine -I$(TOP)/tests/unit
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
ENGINE_SRC := engine/vfcb_proto.c tests/unit/sim_mbx.c
FUZZ_TIME ?= 60

export RIG_DIR

.PHONY: all modules tools clean help setup unit fuzz fuzz-replay fuzz-run coverage \
	static static-all dkms-check install-check check-quick check demo bench install \
	uninstall integration contain soak

all: modules tools

help:
	@sed -n 's/^#   make/  make/p' $(TOP)/Makefile
	@echo "  make setup         install packages, QEMU, guest kernels (idempotent)"
	@echo "  make unit          engine unit tests under ASan/UBSan, ioctl ABI layout"
	@echo "  make fuzz          run every fuzzer for FUZZ_TIME seconds each"
	@echo "  make fuzz-run FUZZER=pf_core RUNS=N   (or FUZZ_TIME=T) one fuzzer:"
	@echo "                     execs, exec/s, coverage (scripts/fuzz-run.sh)"
	@echo "  make coverage      engine line coverage from the unit tests, pf_core's"
	@echo "                     from the fuzz_pf_core corpus"
	@echo "  make static        checkpatch --strict, sparse, W=1"
	@echo "  make integration   host topology on each kernel, nested on 6.12"
	@echo "  make contain       hostile VF storming from an L2 guest, victim measured (~8 min)"
	@echo "  make bench         benchmark table (see Documentation/performance.rst)"
	@echo "  make install       install modules, vfcbctl, headers, udev rule"
	@echo "  make install IGB=1 the same with the igb form (patched igb/igbvf)"

modules:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tools:
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools; fi

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools clean; fi
	rm -rf $(TOP)/build/unit $(TOP)/build/fuzz $(TOP)/build/cov \
	       $(TOP)/build/results $(TOP)/build/kvers

setup:
	$(TOP)/scripts/setup.sh

# ---------------------------------------------------------------- unit ---

$(UNIT_DIR)/test_engine: $(ENGINE_SRC) tests/unit/test_engine.c tests/unit/*.h \
			 engine/*.h uapi/linux/*.h
	@mkdir -p $(UNIT_DIR)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) $(ENGINE_SRC) tests/unit/test_engine.c -o $@

# The ioctl ABI's layout, for 64- and 32-bit userspace (-m32 needs
# gcc-multilib, which make setup installs).  A kernel booted with
# ia32_emulation off refuses to run the 32-bit build (exit 126): it then
# runs under qemu-i386, user-mode emulation of the same binary (qemu-user,
# also from make setup).
$(UNIT_DIR)/test_abi_m%: tests/unit/test_abi.c tests/unit/tap.h uapi/linux/*.h
	@mkdir -p $(UNIT_DIR)
	$(CC) -m$* $(USER_CFLAGS) $< -o $@ || \
	  { echo "test_abi: no -m$* build (gcc-multilib missing? make setup)"; exit 1; }

unit: $(UNIT_DIR)/test_engine $(UNIT_DIR)/test_abi_m64 $(UNIT_DIR)/test_abi_m32 \
      $(UNIT_DIR)/test_pf_register $(UNIT_DIR)/test_82576_pf_teardown \
      $(UNIT_DIR)/test_82576_pf_hw
	@mkdir -p $(RESULTS)
	$(UNIT_DIR)/test_engine > $(RESULTS)/unit-engine.tap; rc=$$?; \
	  grep -v '^ok' $(RESULTS)/unit-engine.tap; \
	  echo "unit-engine: $$(grep -c '^ok' $(RESULTS)/unit-engine.tap) passed"; exit $$rc
	@$(UNIT_DIR)/test_pf_register > $(RESULTS)/unit-pf-register.tap; rc=$$?; \
	  grep -v -e '^ok' -e '^1\.\.' $(RESULTS)/unit-pf-register.tap; \
	  echo "unit-pf-register: $$(grep -c '^ok' $(RESULTS)/unit-pf-register.tap) passed"; exit $$rc
	@$(UNIT_DIR)/test_82576_pf_teardown > $(RESULTS)/unit-82576-pf-teardown.tap; rc=$$?; \
	  grep -v -e '^ok' -e '^1\.\.' $(RESULTS)/unit-82576-pf-teardown.tap; \
	  echo "unit-82576-pf-teardown: $$(grep -c '^ok' $(RESULTS)/unit-82576-pf-teardown.tap) passed"; exit $$rc
	@$(UNIT_DIR)/test_82576_pf_hw > $(RESULTS)/unit-82576-pf-hw.tap; rc=$$?; \
	  grep -v -e '^ok' -e '^1\.\.' $(RESULTS)/unit-82576-pf-hw.tap; \
	  echo "unit-82576-pf-hw: $$(grep -c '^ok' $(RESULTS)/unit-82576-pf-hw.tap) passed"; exit $$rc
	@for m in 64 32; do tap=$(RESULTS)/unit-abi-m$$m.tap; \
	  $(UNIT_DIR)/test_abi_m$$m > $$tap 2>/dev/null; rc=$$?; \
	  if [ $$m = 32 ] && [ $$rc = 126 ]; then \
	    echo "# this kernel runs no 32-bit code (ia32_emulation off): run under qemu-i386" > $$tap; \
	    qemu-i386 -L / $(UNIT_DIR)/test_abi_m32 >> $$tap; rc=$$?; \
	  fi; \
	  grep -v -e '^ok' -e '^1\.\.' -e '^# ABI' $$tap; \
	  echo "unit-abi-m$$m: $$(grep -c '^ok' $$tap) passed"; [ $$rc = 0 ] || exit $$rc; \
	done
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -s -C $(TOP)/tools unit RESULTS=$(RESULTS); fi
	@$(TOP)/tests/unit/test_mbx_trace_check.sh > $(RESULTS)/unit-mbx-trace-check.tap; rc=$$?; \
	  grep -v '^ok' $(RESULTS)/unit-mbx-trace-check.tap | grep -v '^1\.\.'; \
	  echo "unit-mbx-trace-check: $$(grep -c '^ok' $(RESULTS)/unit-mbx-trace-check.tap) passed"; exit $$rc

# ---------------------------------------------------------------- fuzz ---

# Each engine fuzzer is built per mailbox shape: fuzz_pf/fuzz_vf on 16-dword
# messages (the 82576), fuzz_pf_4/fuzz_vf_4 on 4 (VFCB_MSG_MIN_DWORDS).
# Both shapes of a fuzzer share its corpus (tests/fuzz/corpus/{pf,vf}).
# fuzz_pf_core is the host core's serving (store, policy, quota, events,
# mailbox policing, the block API): pf_core's files compiled unchanged over
# the kernel-API shim tests/fuzz/kshim (corpus tests/fuzz/corpus/pf_core).
FUZZ_DIR := $(TOP)/build/fuzz
FUZZ_TARGETS := pf pf_4 vf vf_4 pf_core
FUZZ_DEPS := tests/fuzz/fuzz_input.h $(ENGINE_SRC) engine/*.h tests/unit/*.h uapi/linux/*.h
# Only the code under test carries coverage instrumentation: the harness, the
# simulated mailbox and the kernel shim run under the sanitizers but give
# libFuzzer no features, so the corpus grows on the engine's and the core's
# branches, and their comparisons (half of each run when instrumented) stop
# slowing every execution.  A UBSan report is fatal, so libFuzzer sees it.
# UBSan's alignment check is left to the unit tests (SAN_FLAGS): each check
# is a traced comparison, a quarter of fuzz_pf_core's time, and on x86 a
# misaligned access is no fault for the fuzzers to find.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize=alignment \
	    -fno-sanitize-recover=all
FUZZ_COV := -fsanitize=fuzzer-no-link
$(FUZZ_DIR)/engine.o: engine/vfcb_proto.c $(FUZZ_DEPS)
	@mkdir -p $(FUZZ_DIR)
	$(CLANG) $(USER_CFLAGS) $(FUZZ_COV) $(FUZZ_SAN) -c $< -o $@
$(FUZZ_DIR)/sim_mbx.o: tests/unit/sim_mbx.c $(FUZZ_DEPS)
	@mkdir -p $(FUZZ_DIR)
	$(CLANG) $(USER_CFLAGS) $(FUZZ_SAN) -c $< -o $@
FUZZ_LINK := $(FUZZ_DIR)/sim_mbx.o $(FUZZ_DIR)/engine.o
$(FUZZ_DIR)/fuzz_%_4: tests/fuzz/fuzz_%.c $(FUZZ_LINK) $(FUZZ_DEPS)
	$(CLANG) $(USER_CFLAGS) -DFUZZ_MSG_DWORDS=4 $(FUZZ_SAN) -c $< -o $@.o
	$(CLANG) -fsanitize=fuzzer $(FUZZ_SAN) $@.o $(FUZZ_LINK) -o $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LINK) $(FUZZ_DEPS)
	$(CLANG) $(USER_CFLAGS) $(FUZZ_SAN) -c $< -o $@.o
	$(CLANG) -fsanitize=fuzzer $(FUZZ_SAN) $@.o $(FUZZ_LINK) -o $@

# The pf_core files fuzz_pf_core compiles; vfcb_pf_proto.c is the engine.
# vfcb_pf_mbx.c's events go through the harness on their way (the one seam).
# The event queues hold 16 records here, not 256: overflow and coalescing
# are reached with a sixteenth of the events, and each event's scan of the
# queue costs a sixteenth.
PF_CORE_FUZZ := blocks events mbx api proto
KSHIM_CFLAGS = -std=gnu11 -O1 -g -Wall -Wextra -Wno-unused-parameter \
	       -Wno-sign-compare -Werror -DVFCB_PF_EVQ_LEN=16 \
	       -D__KERNEL__ -I$(TOP)/tests/fuzz/kshim -I$(TOP)/uapi -I$(TOP)/engine \
	       -I$(TOP)/include -I$(TOP)/pf_core -I$(TOP)/tests/fuzz \
	       $(if $(filter mbx,$*),-Dvfcb_pf_emit_event=fuzz_emit_event)
PF_CORE_DEPS := pf_core/*.h engine/* include/*.h uapi/linux/*.h \
		tests/fuzz/kshim/*.h tests/fuzz/kshim/*/*.h tests/fuzz/fuzz_input.h
$(FUZZ_DIR)/pf_core/%.o: pf_core/vfcb_pf_%.c $(PF_CORE_DEPS)
	@mkdir -p $(FUZZ_DIR)/pf_core
	$(CLANG) $(KSHIM_CFLAGS) $(FUZZ_COV) $(FUZZ_SAN) -c $< -o $@
$(FUZZ_DIR)/pf_core/%.o: tests/fuzz/kshim/%.c $(PF_CORE_DEPS)
	@mkdir -p $(FUZZ_DIR)/pf_core
	$(CLANG) $(KSHIM_CFLAGS) $(FUZZ_SAN) -c $< -o $@
$(FUZZ_DIR)/pf_core/%.o: tests/fuzz/fuzz_%.c $(PF_CORE_DEPS)
	@mkdir -p $(FUZZ_DIR)/pf_core
	$(CLANG) $(KSHIM_CFLAGS) $(FUZZ_SAN) -c $< -o $@
$(FUZZ_DIR)/fuzz_pf_core: $(addprefix $(FUZZ_DIR)/pf_core/,$(addsuffix .o,$(PF_CORE_FUZZ) kshim pf_core))
	$(CLANG) -fsanitize=fuzzer $(FUZZ_SAN) $^ -o $@

# vfcb_pf_register()'s lifetime: pf_core's files as fuzz_pf_core compiles
# them, with vfcb_pf_main.c, over the same shim (tests/unit/test_pf_register.c).
PF_REG_SRC := $(addprefix pf_core/vfcb_pf_,$(addsuffix .c,$(PF_CORE_FUZZ) main)) \
	      tests/fuzz/kshim/kshim.c
$(UNIT_DIR)/test_pf_register: tests/unit/test_pf_register.c $(PF_REG_SRC) \
			      $(PF_CORE_DEPS) tests/unit/tap.h
	@mkdir -p $(UNIT_DIR)
	$(CLANG) $(KSHIM_CFLAGS) $(SAN_FLAGS) $(PF_REG_SRC) $< -o $@

# vfcb_82576_pf's teardown against its watchdog: vfcb_82576_pf_pci.c over
# the same shim, the watchdog on a thread of its own
# (tests/unit/test_82576_pf_teardown.c).
$(UNIT_DIR)/test_82576_pf_teardown: tests/unit/test_82576_pf_teardown.c \
		e82576/vfcb_82576_pf_pci.c e82576/vfcb_82576_pf_hw.h \
		tests/fuzz/kshim/kshim.c $(PF_CORE_DEPS) tests/unit/tap.h
	@mkdir -p $(UNIT_DIR)
	$(CLANG) $(KSHIM_CFLAGS) -DKBUILD_MODNAME='"vfcb_82576_pf"' $(SAN_FLAGS) -pthread \
		tests/fuzz/kshim/kshim.c $< -o $@

# vfcb_82576_pf's register layer against a model of the 82576's mailbox
# registers (tests/unit/test_82576_pf_hw.c).
$(UNIT_DIR)/test_82576_pf_hw: tests/unit/test_82576_pf_hw.c \
		e82576/vfcb_82576_pf_hw.c e82576/vfcb_82576_pf_hw.h \
		tests/fuzz/kshim/kshim.c $(PF_CORE_DEPS) tests/unit/tap.h
	@mkdir -p $(UNIT_DIR)
	$(CLANG) $(KSHIM_CFLAGS) $(SAN_FLAGS) tests/fuzz/kshim/kshim.c $< -o $@

fuzz: $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do c=$${t%_4}; \
	  mkdir -p tests/fuzz/corpus/$$c; \
	  echo "fuzz_$$t: $(FUZZ_TIME) s"; \
	  $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	    tests/fuzz/corpus/$$c 2>&1 | grep -E 'stat::number_of_executed_units|Done|ERROR|SUMMARY' ; \
	done

# Replays the committed corpus, on each shape: every input that ever found
# new coverage.
fuzz-replay: $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
	@mkdir -p $(RESULTS)
	@( n=0; rc=0; for t in $(FUZZ_TARGETS); do n=$$((n+1)); c=$${t%_4}; \
	    if $(FUZZ_DIR)/fuzz_$$t -runs=0 tests/fuzz/corpus/$$c > $(FUZZ_DIR)/replay_$$t.log 2>&1; \
	    then echo "ok $$n - fuzz corpus replay: $$t ($$(ls tests/fuzz/corpus/$$c | wc -l) inputs)"; \
	    else echo "not ok $$n - fuzz corpus replay: $$t"; sed 's/^/#   /' $(FUZZ_DIR)/replay_$$t.log | tail -20; rc=1; fi; \
	  done; echo "1..$$n"; exit $$rc ) > $(RESULTS)/fuzz-replay.tap; rc=$$?; \
	  cat $(RESULTS)/fuzz-replay.tap; exit $$rc

# One fuzzer for RUNS executions or FUZZ_TIME seconds, from a scratch copy
# of its corpus; prints execs, exec/s and coverage (scripts/fuzz-run.sh).
FUZZER ?= pf_core
RUNS ?=
fuzz-run: $(FUZZ_DIR)/fuzz_$(FUZZER)
	@$(TOP)/scripts/fuzz-run.sh $(FUZZER) $(if $(RUNS),$(RUNS),$(FUZZ_TIME)s)

# ------------------------------------------------------------ coverage ---

COV_DIR := $(TOP)/build/cov
coverage:
	@rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)
	@cd $(COV_DIR) && $(CC) $(USER_CFLAGS) -O0 --coverage \
	  $(addprefix $(TOP)/,$(ENGINE_SRC)) $(TOP)/tests/unit/test_engine.c -o test_engine
	@cd $(COV_DIR) && ./test_engine > /dev/null
	@cd $(COV_DIR) && gcov -n $$(ls *vfcb_proto.gcda) 2>/dev/null | \
	  awk '/^File .*vfcb_proto.c/ { f = 1 } f && /^Lines executed/ { print "engine line coverage (engine/vfcb_proto.c): " substr($$2, index($$2, ":") + 1) " of " $$4 " lines"; exit }'
	@mkdir -p $(COV_DIR)/pf_core && cd $(COV_DIR)/pf_core && \
	  for f in $(PF_CORE_FUZZ); do \
	    $(CC) $(subst -Werror,,$(KSHIM_CFLAGS)) -O0 --coverage \
	      $$( [ $$f = mbx ] && echo -Dvfcb_pf_emit_event=fuzz_emit_event ) \
	      -c $(TOP)/pf_core/vfcb_pf_$$f.c -o vfcb_pf_$$f.o || exit 1; done; \
	  $(CC) $(subst -Werror,,$(KSHIM_CFLAGS)) -O0 $(TOP)/tests/fuzz/kshim/kshim.c \
	    $(TOP)/tests/fuzz/fuzz_pf_core.c $(TOP)/tests/fuzz/replay.c *.o --coverage -o replay && \
	  ./replay $(TOP)/tests/fuzz/corpus/pf_core > /dev/null && \
	  for f in blocks events mbx api; do \
	    gcov -n vfcb_pf_$$f.gcda 2>/dev/null | awk -v f=pf_core/vfcb_pf_$$f.c \
	      '/^File / && index($$0, f) { g = 1 } g && /^Lines executed/ { print "pf_core line coverage (" f ", fuzz_pf_core corpus): " substr($$2, index($$2, ":") + 1) " of " $$4 " lines"; exit }'; \
	  done

# -------------------------------------------------------------- static ---

static:
	@mkdir -p $(RESULTS)
	@$(TOP)/scripts/static-checks.sh $(KVER) > $(RESULTS)/static.tap; rc=$$?; \
	  grep -v '^ok' $(RESULTS)/static.tap; \
	  echo "static: $$(grep -c '^ok' $(RESULTS)/static.tap) passed"; exit $$rc

static-all:
	@mkdir -p $(RESULTS)
	@$(TOP)/scripts/static-checks.sh $(KVERS_HOST) > $(RESULTS)/static.tap; rc=$$?; \
	  grep -v '^ok' $(RESULTS)/static.tap; \
	  echo "static: $$(grep -c '^ok' $(RESULTS)/static.tap) passed"; exit $$rc

# ---------------------------------------------------------------- dkms ---

dkms-check:
	@mkdir -p $(RESULTS)
	@$(TOP)/scripts/dkms-check.sh $(KVERS_HOST) > $(RESULTS)/dkms.tap; rc=$$?; \
	  grep -v '^ok' $(RESULTS)/dkms.tap; \
	  echo "dkms: $$(grep -c '^ok' $(RESULTS)/dkms.tap) passed"; exit $$rc

install-check:
	@mkdir -p $(RESULTS)
	@$(TOP)/scripts/install-check.sh > $(RESULTS)/install.tap; rc=$$?; \
	  grep -v '^ok' $(RESULTS)/install.tap; \
	  echo "install: $$(grep -c '^ok' $(RESULTS)/install.tap) passed"; exit $$rc

# --------------------------------------------------------- integration ---

# Host topology on both kernels (+ kernel API test), the igb/igbvf
# baseline, the rig's selftest, and the nested topology on 6.12.
integration:
	$(TOP)/scripts/integration.sh

# Not part of check (about 7 min): the hostile VF storms from an L2 guest
# while a victim VF in L1 is measured (Documentation/reliability.rst,
# "Interrupt flood").
contain: setup
	$(TOP)/scripts/integration.sh --contain $(KVER_NESTED)

# Fault loops at full count and the fuzzers, one table (scripts/soak.sh
# lists the counts and SOAK_SCALE; Documentation/testing.rst).
soak: setup
	$(TOP)/scripts/soak.sh

# ------------------------------------------------------------- entries ---

check-quick:
	@rm -rf $(RESULTS)
	@$(MAKE) -s unit; a=$$?; $(MAKE) -s fuzz-replay; b=$$?; $(MAKE) -s static; c=$$?; \
	  $(TOP)/scripts/summary.sh; s=$$?; [ $$a$$b$$c$$s = 0000 ]

# The rig's selftest (about 3.5 min) mostly waits for its guests' timeouts:
# it runs beside the unit tests and the builds, its output kept until they
# end, so the guests' own runs start no later and share the machine with
# nothing.  Its kernel by series: kernels.env, which names it, is written
# by the set-up this target runs, after make has read this file.
check: setup
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@$(TOP)/tests/rig/selftest.sh --kver 6.12 > $(RESULTS)/rig-selftest.log 2>&1 & g=$$!; \
	  $(MAKE) -s unit; a=$$?; $(MAKE) -s fuzz-replay; b=$$?; $(MAKE) -s static-all; c=$$?; \
	  $(MAKE) -s dkms-check; e=$$?; $(MAKE) -s install-check; f=$$?; \
	  wait $$g; g=$$?; grep -v '^ok ' $(RESULTS)/rig-selftest.log; \
	  $(TOP)/scripts/integration.sh --without-selftest; d=$$?; \
	  $(TOP)/scripts/summary.sh; s=$$?; [ $$a$$b$$c$$d$$e$$f$$g$$s = 00000000 ]

demo: setup
	$(TOP)/scripts/demo.sh

bench: setup
	$(TOP)/scripts/bench.sh

# IGB=1: the igb form (the kernel's igb/igbvf carrying vfcb, from that
# kernel's own sources: scripts/igb-src.sh) instead of the standalone
# 82576 drivers.  See Documentation/admin-guide.rst, "Choosing the form".
IGB ?= 0
install: all
ifeq ($(IGB),1)
	@src=$$($(TOP)/scripts/igb-src.sh $(KVER)) || exit 1; \
	  echo "igb form: igb/igbvf sources of $(KVER) in $$src"; \
	  IGB_SRC=$$src VFCB_SYMVERS=$(TOP)/Module.symvers $(TOP)/scripts/build-igb.sh $(KVER)
endif
	KVER=$(KVER) IGB=$(IGB) $(TOP)/scripts/install.sh install

uninstall:
	$(TOP)/scripts/install.sh uninstall
