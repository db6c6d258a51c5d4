// SPDX-License-Identifier: GPL-2.0
/*
 * The hardware-free protocol engine, compiled into vfcb_vf.ko.  The same
 * source goes unchanged into vfcb_pf.ko and into the userspace tests.
 */
#include "../engine/vfcb_proto.c"
