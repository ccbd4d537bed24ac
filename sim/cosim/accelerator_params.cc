// The co-simulation components' parameters from the hardware YAML; see accelerator.h.
#include "sim/cosim/accelerator.h"

namespace mixpe {

DramParams DramParamsOf(const HardwareConfig& config) {
  const DramConfig& d = config.memory.dram;
  DramParams p;
  p.bandwidth_bytes_per_cycle = d.bandwidth_bytes_per_cycle;
  p.latency_cycles = static_cast<int>(d.latency_cycles);
  p.burst_bytes = d.burst_bytes;
  p.banks = d.banks;
  p.row_buffer_bytes = d.row_buffer_bytes;
  p.row_miss_cycles = static_cast<int>(d.row_miss_cycles);
  return p;
}

SramParams SramParamsOf(const HardwareConfig& config, BufferKind kind) {
  const BufferConfig& b = config.memory.Buffer(kind);
  SramParams p;
  p.capacity_bytes = b.CapacityBytes();
  p.word_bits = b.word_bits;
  p.ports = b.ports;
  p.double_buffered = kind != BufferKind::kOutputs;
  p.banks = p.double_buffered ? b.banks / 2 : b.banks;
  return p;
}

NocParams NocParamsOf(const HardwareConfig& config) {
  const NocConfig& n = config.noc;
  NocParams p;
  p.topology = n.topology == NocConfig::Topology::kBus ? NocTopology::kBus : NocTopology::kMesh;
  p.link_bytes = n.link_bytes;
  p.hop_latency_cycles = n.hop_latency_cycles;
  p.mesh_columns = n.mesh_columns;
  p.mesh_rows = n.mesh_rows;
  p.lanes = n.lanes;
  return p;
}

int64_t LayerImageBytes(const HardwareConfig& config, const LayerFormats& formats,
                        const CoreSchedule& schedule,
                        const std::vector<uint8_t>& weight_group_bits) {
  return LayOutMemory(config, formats, schedule, weight_group_bits).image_bytes;
}

}  // namespace mixpe
