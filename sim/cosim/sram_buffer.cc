// SramBuffer: the sc_module around SramCore.
#include "sim/cosim/sram_buffer.h"

namespace mixpe {

SramBuffer::SramBuffer(sc_core::sc_module_name name, const SramParams& params)
    : sc_core::sc_module(name), core_(params, this->name()) {}

}  // namespace mixpe
