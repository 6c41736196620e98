# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
# meta-dropbear-entropy: OE-core's dropbear with the dropbear-entropy
# patches and entropy module, once the distribution asks for it, e.g. in
# local.conf:
#   DISTRO_FEATURES:append = " dropbear-entropy"
# Without that feature this file adds nothing to the recipe, so adding the
# layer alone changes no task signature. With it, a dropbear version the
# series was not made for is skipped with the reason (see
# dropbear-entropy.inc), never built as stock dropbear.
require ${@bb.utils.contains('DISTRO_FEATURES', 'dropbear-entropy', 'dropbear-entropy.inc', '', d)}
