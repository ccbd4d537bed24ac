rtl/mixpe_shift_add_mul.sv
rtl/mixpe_int_mul.sv
rtl/mixpe_fp16_mul_exact.sv
rtl/mixpe_pe.sv
rtl/mixpe_array.sv
rtl/mixpe_int_to_fp32.sv
rtl/mixpe_fp32_add.sv
rtl/mixpe_fp32_mul.sv
rtl/mixpe_group_dequant.sv
rtl/mixpe_row_side.sv
rtl/mixpe_column_dequant.sv
// The per-element weight dequantizers of the baseline cores (mixpe_core, PeKind 1 and 2).
rtl/mixpe_weight_to_fp16.sv
rtl/mixpe_weight_expand_int8.sv
rtl/mixpe_core.sv
