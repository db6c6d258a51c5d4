// SPDX-License-Identifier: GPL-2.0
#include "igb_vfcb.h"
