# meta-dropbear-entropy: OE-core's dropbear with the dropbear-entropy
# patches and entropy module, once the distribution asks for it, e.g. in
# local.conf:
#   DISTRO_FEATURES:append = " dropbear-entropy"
# Without that feature this file adds nothing to the recipe, so adding the
# layer alone changes no task signature. With it, this file only warns
# when the recipe is a dropbear version that no dropbear_<version>.bbappend
# of this layer patches; such a recipe is left as OE-core has it.
require ${@bb.utils.contains('DISTRO_FEATURES', 'dropbear-entropy', 'dropbear-entropy.inc', '', d)}
