// Noc: the sc_module around NocCore.
#include "sim/cosim/noc.h"

namespace mixpe {

Noc::Noc(sc_core::sc_module_name name, const NocParams& params)
    : sc_core::sc_module(name), core_(params, this->name()) {}

}  // namespace mixpe
