rtl/mixpe_pe.sv
rtl/mixpe_array.sv
