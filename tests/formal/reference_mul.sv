// The reference the shift-and-add multiplier is proved equal to: a plain signed multiplication
// by the weight's value, read from wgt_i as a two's-complement integer, or (wgt_fp4_i, built with
// Fp4Weights and WeightBits >= 4) from wgt_i[3:0] as an E2M1 value in units of 2^-1 by a table of the eight
// magnitudes (docs/numerics.md, section 2). One multiplier serves both modes, as in a conventional
// FP4-capable PE; synth/area.sh uses this module as that PE's product.
module reference_mul #(
  parameter int unsigned ActBits    = 8,
  parameter int unsigned WeightBits = 4,
  parameter int unsigned Fp4Weights = 1
) (
  input  logic [ActBits-1:0]            act_i,
  input  logic [WeightBits-1:0]         wgt_i,
  input  logic                          wgt_fp4_i,
  output logic [ActBits+WeightBits-1:0] product_o
);
  // The weight's value in ValueBits signed bits: E2M1 values reach +-12, one bit more than INT4.
  localparam bit          HasFp4    = Fp4Weights != 0 && WeightBits >= 4;
  localparam int unsigned ValueBits = (HasFp4 && WeightBits == 4) ? 5 : WeightBits;

  logic signed [ValueBits-1:0] weight;  // the weight's value (E2M1: in units of 2^-1)

  if (HasFp4) begin : g_fp4
    logic signed [ValueBits-1:0] fp4_mag;  // 0, 0.5, 1, 1.5, 2, 3, 4, 6 in units of 0.5
    always_comb begin
      case (wgt_i[2:0])
        3'd0:    fp4_mag = ValueBits'(0);
        3'd1:    fp4_mag = ValueBits'(1);
        3'd2:    fp4_mag = ValueBits'(2);
        3'd3:    fp4_mag = ValueBits'(3);
        3'd4:    fp4_mag = ValueBits'(4);
        3'd5:    fp4_mag = ValueBits'(6);
        3'd6:    fp4_mag = ValueBits'(8);
        default: fp4_mag = ValueBits'(12);
      endcase
      if (!wgt_fp4_i)   weight = $signed(wgt_i);
      else if (wgt_i[3]) weight = -fp4_mag;
      else              weight = fp4_mag;
    end
  end else begin : g_int_only
    logic unused_wgt_fp4;
    assign unused_wgt_fp4 = wgt_fp4_i;
    assign weight         = $signed(wgt_i);
  end

  // Both operands signed, so they are sign-extended to the product width before multiplying.
  assign product_o = $signed(act_i) * weight;
endmodule
