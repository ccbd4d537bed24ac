// DramModel: the sc_module around DramCore.
#include "sim/cosim/dram_model.h"

namespace mixpe {

DramModel::DramModel(sc_core::sc_module_name name, const DramParams& params, int64_t image_bytes)
    : sc_core::sc_module(name), core_(params, image_bytes, this->name()) {}

}  // namespace mixpe
