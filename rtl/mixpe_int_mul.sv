// Signed activation times a weight code with a multiplier: the product of the conventional
// integer PE (mixpe_pe with PeKind 1, the INT8 baseline MixPE is compared against). Same ports and
// same result as mixpe_shift_add_mul, so either can sit in the PE; here the product is written as
// one signed `*` and left to synthesis, as a conventional PE does.
//
// The weight's value is read from wgt_i as a two's-complement integer or, with wgt_fp4_i on a unit
// built with Fp4Weights and WeightBits >= 4, from wgt_i[3:0] as an OCP E2M1 element in units of
// 2^-1 by a table of its eight magnitudes (0, 1, 2, 3, 4, 6, 8, 12; docs/numerics.md, section 2):
// one multiplier serves both modes, as in a conventional FP4-capable PE. E2M1 values reach +-12,
// one bit more than INT4, so the signed weight value is five bits wide at WeightBits 4. The
// product of ActBits + WeightBits bits holds every product exactly. Purely combinational.
//
// The `*` lives here, not in mixpe_pe.sv: mixpe_pe and mixpe_shift_add_mul have none
// (tests/rtl_no_multiplier_test.sh), and a PE built with PeKind 0 elaborates without a multiplier.
module mixpe_int_mul #(
  parameter int unsigned ActBits    = 8,  // signed activation width
  parameter int unsigned WeightBits = 8,  // weight code width
  parameter int unsigned Fp4Weights = 0   // 1: build the E2M1 mode (needs WeightBits >= 4)
) (
  input  logic [ActBits-1:0]            act_i,      // signed activation
  input  logic [WeightBits-1:0]         wgt_i,      // weight code (two's complement, or E2M1)
  input  logic                          wgt_fp4_i,  // per-layer mode: wgt_i[3:0] is FP4 E2M1;
                                                    // ignored (must be 0) without FP4 support
  output logic [ActBits+WeightBits-1:0] product_o   // act_i * weight, two's complement (E2M1
                                                    // weights: in units of 2^-1)
);

  // The weight's value in ValueBits signed bits.
  localparam bit          HasFp4    = Fp4Weights != 0 && WeightBits >= 4;
  localparam int unsigned ValueBits = (HasFp4 && WeightBits == 4) ? 5 : WeightBits;

  if (ActBits < 2 || WeightBits < 2 || ActBits + WeightBits > 64) begin : g_bad_params
    $error("mixpe_int_mul: ActBits and WeightBits must be at least 2, their sum at most 64");
  end

  ////////////////////////////////
  // Weight value               //
  ////////////////////////////////

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
      if (!wgt_fp4_i)    weight = ValueBits'($signed(wgt_i));  // sign-extended
      else if (wgt_i[3]) weight = -fp4_mag;
      else               weight = fp4_mag;
    end
  end else begin : g_int_only
    // Built without FP4 support (or narrower than E2M1's four bits): the mode bit has no effect.
    logic unused_wgt_fp4;
    assign unused_wgt_fp4 = wgt_fp4_i;
    assign weight         = $signed(wgt_i);
  end

  ////////////////////////////////
  // Product                    //
  ////////////////////////////////

  // Both operands signed, so both are sign-extended to the product width before multiplying.
  assign product_o = $signed(act_i) * weight;

endmodule
