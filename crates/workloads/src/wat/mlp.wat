;; Inference workload: forward pass of a two-layer perceptron, Q16.16 fixed point.
;; Input (i32 LE words): n_in, n_hidden, n_out (each 1..=64), then W1 (n_hidden rows
;; of n_in), b1, W2 (n_out rows of n_hidden), b2, x.
;; h = relu((W1 x >> 16) + b1), y = (W2 h >> 16) + b2, sums in i64 (wrapping).
;; Output: y as n_out i32 LE words.
(module
  (memory (export "memory") 2)
  (func (export "input_ptr") (result i32) (i32.const 1024))
  (func (export "output_ptr") (result i32) (i32.const 66560))
  (func $in (param $k i32) (result i32)
    (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $k) (i32.const 2)))))
  ;; Hidden activations live in scratch memory at 98304.
  (func $hidden (param $k i32) (result i32)
    (i32.load (i32.add (i32.const 98304) (i32.shl (local.get $k) (i32.const 2)))))
  ;; One layer: out[r] = (sum_c m[r][c] * v[c] >> 16) + bias[r], rows x cols,
  ;; matrix and bias are input word indices, v is read from input (from_input=1) or hidden.
  (func $layer (param $rows i32) (param $cols i32) (param $m i32) (param $bias i32) (param $v i32)
               (param $from_input i32) (param $dst i32) (param $relu i32)
    (local $r i32) (local $c i32) (local $acc i64) (local $x i32) (local $out i64)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $acc (i64.const 0))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $x
              (if (result i32) (local.get $from_input)
                (then (call $in (i32.add (local.get $v) (local.get $c))))
                (else (call $hidden (i32.add (local.get $v) (local.get $c))))))
            (local.set $acc (i64.add (local.get $acc)
              (i64.mul
                (i64.extend_i32_s (call $in (i32.add (local.get $m) (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)))))
                (i64.extend_i32_s (local.get $x)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cols)))
        (local.set $out (i64.add (i64.shr_s (local.get $acc) (i64.const 16))
                                 (i64.extend_i32_s (call $in (i32.add (local.get $bias) (local.get $r))))))
        (if (i32.and (local.get $relu) (i64.lt_s (i64.extend_i32_s (i32.wrap_i64 (local.get $out))) (i64.const 0)))
          (then (local.set $out (i64.const 0))))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2))) (i32.wrap_i64 (local.get $out)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
  (func (export "run") (param $len i32) (result i32)
    (local $ni i32) (local $nh i32) (local $no i32)
    (local $w1 i32) (local $b1 i32) (local $w2 i32) (local $b2 i32) (local $x i32) (local $words i32)
    (if (i32.lt_s (local.get $len) (i32.const 12)) (then (return (i32.const -1))))
    (local.set $ni (call $in (i32.const 0)))
    (local.set $nh (call $in (i32.const 1)))
    (local.set $no (call $in (i32.const 2)))
    (if (i32.or (i32.lt_s (local.get $ni) (i32.const 1)) (i32.gt_s (local.get $ni) (i32.const 64))) (then (return (i32.const -2))))
    (if (i32.or (i32.lt_s (local.get $nh) (i32.const 1)) (i32.gt_s (local.get $nh) (i32.const 64))) (then (return (i32.const -2))))
    (if (i32.or (i32.lt_s (local.get $no) (i32.const 1)) (i32.gt_s (local.get $no) (i32.const 64))) (then (return (i32.const -2))))
    (local.set $w1 (i32.const 3))
    (local.set $b1 (i32.add (local.get $w1) (i32.mul (local.get $nh) (local.get $ni))))
    (local.set $w2 (i32.add (local.get $b1) (local.get $nh)))
    (local.set $b2 (i32.add (local.get $w2) (i32.mul (local.get $no) (local.get $nh))))
    (local.set $x (i32.add (local.get $b2) (local.get $no)))
    (local.set $words (i32.add (local.get $x) (local.get $ni)))
    (if (i32.ne (local.get $len) (i32.shl (local.get $words) (i32.const 2))) (then (return (i32.const -1))))
    (call $layer (local.get $nh) (local.get $ni) (local.get $w1) (local.get $b1) (local.get $x) (i32.const 1) (i32.const 98304) (i32.const 1))
    (call $layer (local.get $no) (local.get $nh) (local.get $w2) (local.get $b2) (i32.const 0) (i32.const 0) (i32.const 66560) (i32.const 0))
    (i32.shl (local.get $no) (i32.const 2))))
