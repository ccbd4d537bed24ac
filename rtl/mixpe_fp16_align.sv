// FP16 block alignment of the W4A16 datapath (docs/numerics.md, section 6): one block of FP16
// activations of a row becomes BlockSize 16-bit signed integers A_i sharing the scale
// 2^scale_exp_o, so the integer PE array multiplies them like INT activations. Purely
// combinational; bit for bit the golden model's AlignFp16Blocks (model/quantize.cc).
//
// Each finite element is M * 2^x: M its 11-bit significand (hidden bit included), x the exponent
// of its last bit, x = max(E, 1) - 25 for the biased exponent E (so subnormals have x = -24).
// x_max is the largest x among the nonzero finite elements, the scale is 2^(x_max - 4) (4 guard
// bits), and A = rne_int(|M| * 2^(x - x_max + 4)) with the sign restored, ties to even. Zeros
// (either sign) give 0. Details the golden model fixes and the section leaves open:
// - An all-zero block has x_max = 0: scale_exp_o = -4, every A = 0.
// - A block holding an Inf or NaN sets scale_nan_o and every A = 0; scale_exp_o is still
//   x_max - 4 of its nonzero finite elements (-4 if there are none).
//
// Datapath: decode; the maximum of the effective biased exponents (bit by bit from the MSB: five
// levels of AND/OR trees rather than a chain of comparators); then per element one right shift
// of {|M|, 4'b0} by the exponent difference with guard and sticky bits, and one adder that both
// rounds and restores the sign.
//
// The blocks are flat vectors, element i in bits [16i+15:16i]: yosys 0.23 (synth/area.sh) reads
// neither unpacked nor packed two-dimensional ports.
module mixpe_fp16_align #(
  parameter int unsigned BlockSize = 32  // elements per block, 1..128
) (
  input  logic        [16*BlockSize-1:0] fp16_i,       // FP16 codes of one block of a row
  output logic        [16*BlockSize-1:0] aligned_o,    // A_i, two's complement, in 2^scale_exp_o
  output logic signed [7:0]              scale_exp_o,  // x_max - 4, in [-28, 1]
  output logic                           scale_nan_o   // an element is Inf or NaN: NaN scale
);

  if (BlockSize < 1 || BlockSize > 128) begin : g_bad_params
    $error("mixpe_fp16_align: BlockSize must be in [1, 128]");
  end

  localparam int unsigned GuardBits = 4;  // kept below the largest element's last bit
  // scale_exp_o = x_max - 4 = max(E, 1) - 25 - 4: the effective biased exponent minus this.
  localparam logic [7:0]  ScaleExpOffset = 8'd29;
  // The golden model's x_max = 0 for a block with no nonzero finite element, as a biased exponent.
  localparam logic [4:0]  EmptyBlockExp = 5'd25;
  localparam logic [4:0]  ExpMax = 5'h1F;  // exponent field of Inf and NaN

  ////////////////////////////////
  // Element decode             //
  ////////////////////////////////

  logic [15:0]          elem_code    [BlockSize];  // the element's FP16 code
  logic [4:0]           elem_exp     [BlockSize];  // max(E, 1): x = elem_exp - 25
  logic [10:0]          elem_sig     [BlockSize];  // |M|: hidden bit (0 for subnormals), mantissa
  logic                 elem_sign    [BlockSize];
  logic [BlockSize-1:0] elem_live;                 // nonzero and finite: sets the block's x_max
  logic [BlockSize-1:0] elem_special;              // Inf or NaN

  always_comb begin
    for (int unsigned i = 0; i < BlockSize; i++) begin
      elem_code[i]    = fp16_i[16*i +: 16];
      elem_sign[i]    = elem_code[i][15];
      elem_exp[i]     = (elem_code[i][14:10] == 5'd0) ? 5'd1 : elem_code[i][14:10];
      elem_sig[i]     = {elem_code[i][14:10] != 5'd0, elem_code[i][9:0]};
      elem_special[i] = elem_code[i][14:10] == ExpMax;
      elem_live[i]    = !elem_special[i] && (elem_code[i][14:0] != 15'd0);
    end
  end

  ////////////////////////////////
  // Block exponent x_max       //
  ////////////////////////////////

  // The maximum of the live elements' exponents, from the MSB down: bit b of the maximum is set
  // if a remaining candidate has it set, and then only those candidates remain.
  logic [4:0]           live_max_exp;  // 0 if no element is live
  logic [BlockSize-1:0] candidates;    // live elements equal to the maximum in the bits so far
  logic [BlockSize-1:0] with_bit;      // the candidates with a one in the current bit
  logic [4:0]           block_exp;     // x_max + 25

  always_comb begin
    live_max_exp = '0;
    candidates   = elem_live;
    with_bit     = '0;
    for (int unsigned b = 5; b > 0; b--) begin
      for (int unsigned i = 0; i < BlockSize; i++) begin
        with_bit[i] = candidates[i] & elem_exp[i][b-1];
      end
      live_max_exp[b-1] = |with_bit;
      if (live_max_exp[b-1]) candidates = with_bit;
    end
    block_exp   = (elem_live != '0) ? live_max_exp : EmptyBlockExp;
    scale_exp_o = $signed({3'd0, block_exp} - ScaleExpOffset);
    scale_nan_o = elem_special != '0;
  end

  ////////////////////////////////
  // Align, round, restore sign //
  ////////////////////////////////

  // A = rne(|M| * 2^(4 - d)) with d = x_max - x in [0, 29]: {|M|, 4'b0} shifted right by d. The
  // 31-bit shifter holds the 15-bit integer part [30:16], the guard bit [15] and the sticky bits
  // [14:0]; for d >= 16 nothing reaches the guard bit and A rounds to 0, so the 5-bit d needs no
  // clamp. |A| <= 2047 * 16 = 32752: rounding never carries out of 15 bits (it can round up
  // only for d >= 5, where the integer part is below 1024).
  //
  // Sign and rounding share one adder: -(q + r) = ~q + 1 - r = ~q + !r, so with s the sign,
  // A = (q ^ {16{s}}) + (r ^ s) in 16 bits (-0 gives 0: 0xFFFF + 1 wraps to 0).
  logic [4:0]  elem_shift [BlockSize];  // d (meaningless unless the element is live)
  logic [30:0] elem_wide  [BlockSize];  // {|M|, 4'b0, 16'b0} >> d
  logic        elem_round [BlockSize];  // round up: guard and (sticky or odd)
  logic [15:0] elem_value [BlockSize];  // A

  always_comb begin
    for (int unsigned i = 0; i < BlockSize; i++) begin
      elem_shift[i] = block_exp - elem_exp[i];
      elem_wide[i]  = {elem_sig[i], GuardBits'(0), 16'd0} >> elem_shift[i];
      elem_round[i] = elem_wide[i][15] && ((elem_wide[i][14:0] != 15'd0) || elem_wide[i][16]);
      elem_value[i] = ({1'b0, elem_wide[i][30:16]} ^ {16{elem_sign[i]}})
                      + {15'd0, elem_round[i] ^ elem_sign[i]};
      // Zeros, and every element of a block whose scale is NaN (the golden model leaves them 0).
      aligned_o[16*i +: 16] = (scale_nan_o || !elem_live[i]) ? 16'd0 : elem_value[i];
    end
  end

  ////////////////////////////////
  // Assertions                 //
  ////////////////////////////////

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  always_comb begin
    for (int unsigned i = 0; i < BlockSize; i++) begin
      // The block exponent is the maximum: no live element lies above it.
      assert (!elem_live[i] || elem_exp[i] <= block_exp)
        else $error("mixpe_fp16_align: element %0d above the block exponent", i);
      // Only elements at the block exponent keep all 4 guard bits: |A| <= 2047 * 16.
      assert (!elem_live[i] || {1'b0, elem_wide[i][30:16]} + {15'd0, elem_round[i]} <= 16'd32752)
        else $error("mixpe_fp16_align: element %0d aligned beyond 2047 * 16", i);
    end
  end
`endif  // SYNTHESIS

endmodule
