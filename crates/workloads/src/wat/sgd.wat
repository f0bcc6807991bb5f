;; Training workload: stochastic gradient descent on a linear model, Q16.16 fixed point.
;; Input (i32 LE words): n (1..=256), d (1..=16), epochs (1..=100), lr_shift (0..=30),
;; then X (n rows of d), y (n), initial w (d), initial b.
;; Per sample, in order: pred = (w.x >> 16) + b; err = pred - y;
;; w_j -= (err * x_j >> 16) >> lr_shift; b -= err >> lr_shift (i64 wrapping, stored as i32).
;; Output: the trained w (d words) then b.
(module
  (memory (export "memory") 2)
  (func (export "input_ptr") (result i32) (i32.const 1024))
  (func (export "output_ptr") (result i32) (i32.const 66560))
  (func $in (param $k i32) (result i32)
    (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $k) (i32.const 2)))))
  (func $w (param $k i32) (result i64)
    (i64.extend_i32_s (i32.load (i32.add (i32.const 66560) (i32.shl (local.get $k) (i32.const 2))))))
  (func $set_w (param $k i32) (param $v i64)
    (i32.store (i32.add (i32.const 66560) (i32.shl (local.get $k) (i32.const 2))) (i32.wrap_i64 (local.get $v))))
  (func (export "run") (param $len i32) (result i32)
    (local $n i32) (local $d i32) (local $epochs i32) (local $shift i64)
    (local $xs i32) (local $ys i32) (local $w0 i32) (local $words i32)
    (local $e i32) (local $i i32) (local $j i32) (local $acc i64) (local $err i64) (local $row i32)
    (if (i32.lt_s (local.get $len) (i32.const 16)) (then (return (i32.const -1))))
    (local.set $n (call $in (i32.const 0)))
    (local.set $d (call $in (i32.const 1)))
    (local.set $epochs (call $in (i32.const 2)))
    (local.set $shift (i64.extend_i32_s (call $in (i32.const 3))))
    (if (i32.or (i32.lt_s (local.get $n) (i32.const 1)) (i32.gt_s (local.get $n) (i32.const 256))) (then (return (i32.const -2))))
    (if (i32.or (i32.lt_s (local.get $d) (i32.const 1)) (i32.gt_s (local.get $d) (i32.const 16))) (then (return (i32.const -2))))
    (if (i32.or (i32.lt_s (local.get $epochs) (i32.const 1)) (i32.gt_s (local.get $epochs) (i32.const 100))) (then (return (i32.const -2))))
    (if (i32.or (i64.lt_s (local.get $shift) (i64.const 0)) (i64.gt_s (local.get $shift) (i64.const 30))) (then (return (i32.const -2))))
    (local.set $xs (i32.const 4))
    (local.set $ys (i32.add (local.get $xs) (i32.mul (local.get $n) (local.get $d))))
    (local.set $w0 (i32.add (local.get $ys) (local.get $n)))
    (local.set $words (i32.add (i32.add (local.get $w0) (local.get $d)) (i32.const 1)))
    (if (i32.ne (local.get $len) (i32.shl (local.get $words) (i32.const 2))) (then (return (i32.const -1))))
    ;; The output area holds the model: w_0..w_{d-1}, then b.
    (block $copied
      (loop $copy
        (br_if $copied (i32.gt_s (local.get $j) (local.get $d)))
        (call $set_w (local.get $j) (i64.extend_i32_s (call $in (i32.add (local.get $w0) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $copy)))
    (block $epochs_done
      (loop $epoch
        (br_if $epochs_done (i32.ge_s (local.get $e) (local.get $epochs)))
        (local.set $i (i32.const 0))
        (block $samples_done
          (loop $sample
            (br_if $samples_done (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $row (i32.add (local.get $xs) (i32.mul (local.get $i) (local.get $d))))
            (local.set $acc (i64.const 0))
            (local.set $j (i32.const 0))
            (block $dot_done
              (loop $dot
                (br_if $dot_done (i32.ge_s (local.get $j) (local.get $d)))
                (local.set $acc (i64.add (local.get $acc)
                  (i64.mul (call $w (local.get $j)) (i64.extend_i32_s (call $in (i32.add (local.get $row) (local.get $j)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $dot)))
            (local.set $err (i64.sub
              (i64.add (i64.shr_s (local.get $acc) (i64.const 16)) (call $w (local.get $d)))
              (i64.extend_i32_s (call $in (i32.add (local.get $ys) (local.get $i))))))
            (local.set $j (i32.const 0))
            (block $update_done
              (loop $update
                (br_if $update_done (i32.ge_s (local.get $j) (local.get $d)))
                (call $set_w (local.get $j) (i64.sub (call $w (local.get $j))
                  (i64.shr_s
                    (i64.shr_s (i64.mul (local.get $err) (i64.extend_i32_s (call $in (i32.add (local.get $row) (local.get $j))))) (i64.const 16))
                    (local.get $shift))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $update)))
            (call $set_w (local.get $d) (i64.sub (call $w (local.get $d)) (i64.shr_s (local.get $err) (local.get $shift))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sample)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $epoch)))
    (i32.shl (i32.add (local.get $d) (i32.const 1)) (i32.const 2))))
