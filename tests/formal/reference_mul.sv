// The reference the shift-and-add multiplier is proved equal to: a plain signed multiplication.
module reference_mul #(
  parameter int unsigned ActBits    = 8,
  parameter int unsigned WeightBits = 4
) (
  input  logic [ActBits-1:0]            act_i,
  input  logic [WeightBits-1:0]         wgt_i,
  output logic [ActBits+WeightBits-1:0] product_o
);
  // Both operands signed, so they are sign-extended to the product width before multiplying.
  assign product_o = $signed(act_i) * $signed(wgt_i);
endmodule
