;; Rendering workload: one Mandelbrot tile, Q8.24 fixed point.
;; Input (i32 LE words): x0, y0, step (Q8.24), width, height (1..=128), max_iter (1..=10000).
;; Output: width*height bytes, row-major, the escape iteration capped at 255.
(module
  (memory (export "memory") 2)
  (func (export "input_ptr") (result i32) (i32.const 1024))
  (func (export "output_ptr") (result i32) (i32.const 66560))
  (func $in (param $k i32) (result i32)
    (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $k) (i32.const 2)))))
  (func (export "run") (param $len i32) (result i32)
    (local $x0 i64) (local $y0 i64) (local $step i64) (local $w i32) (local $h i32) (local $max i32)
    (local $px i32) (local $py i32) (local $cr i64) (local $ci i64)
    (local $zr i64) (local $zi i64) (local $zr2 i64) (local $zi2 i64) (local $it i32)
    (if (i32.ne (local.get $len) (i32.const 24)) (then (return (i32.const -1))))
    (local.set $x0 (i64.extend_i32_s (call $in (i32.const 0))))
    (local.set $y0 (i64.extend_i32_s (call $in (i32.const 1))))
    (local.set $step (i64.extend_i32_s (call $in (i32.const 2))))
    (local.set $w (call $in (i32.const 3)))
    (local.set $h (call $in (i32.const 4)))
    (local.set $max (call $in (i32.const 5)))
    (if (i32.or (i32.lt_s (local.get $w) (i32.const 1)) (i32.gt_s (local.get $w) (i32.const 128)))
      (then (return (i32.const -2))))
    (if (i32.or (i32.lt_s (local.get $h) (i32.const 1)) (i32.gt_s (local.get $h) (i32.const 128)))
      (then (return (i32.const -2))))
    (if (i32.or (i32.lt_s (local.get $max) (i32.const 1)) (i32.gt_s (local.get $max) (i32.const 10000)))
      (then (return (i32.const -3))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $py) (local.get $h)))
        (local.set $ci (i64.add (local.get $y0) (i64.mul (i64.extend_i32_s (local.get $py)) (local.get $step))))
        (local.set $px (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $px) (local.get $w)))
            (local.set $cr (i64.add (local.get $x0) (i64.mul (i64.extend_i32_s (local.get $px)) (local.get $step))))
            (local.set $zr (i64.const 0))
            (local.set $zi (i64.const 0))
            (local.set $it (i32.const 0))
            (block $escaped
              (loop $iterate
                (local.set $zr2 (i64.shr_s (i64.mul (local.get $zr) (local.get $zr)) (i64.const 24)))
                (local.set $zi2 (i64.shr_s (i64.mul (local.get $zi) (local.get $zi)) (i64.const 24)))
                (br_if $escaped (i64.gt_s (i64.add (local.get $zr2) (local.get $zi2)) (i64.const 67108864)))
                (br_if $escaped (i32.ge_s (local.get $it) (local.get $max)))
                (local.set $zi (i64.add
                  (i64.shr_s (i64.mul (i64.shl (local.get $zr) (i64.const 1)) (local.get $zi)) (i64.const 24))
                  (local.get $ci)))
                (local.set $zr (i64.add (i64.sub (local.get $zr2) (local.get $zi2)) (local.get $cr)))
                (local.set $it (i32.add (local.get $it) (i32.const 1)))
                (br $iterate)))
            (i32.store8
              (i32.add (i32.const 66560) (i32.add (i32.mul (local.get $py) (local.get $w)) (local.get $px)))
              (select (i32.const 255) (local.get $it) (i32.gt_s (local.get $it) (i32.const 255))))
            (local.set $px (i32.add (local.get $px) (i32.const 1)))
            (br $cols)))
        (local.set $py (i32.add (local.get $py) (i32.const 1)))
        (br $rows)))
    (i32.mul (local.get $w) (local.get $h))))
