rtl/mixpe_shift_add_mul.sv
rtl/mixpe_pe.sv
rtl/mixpe_array.sv
