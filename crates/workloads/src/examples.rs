//! The three example workloads (rendering, inference, training), their input
//! encoders and native Rust references. Each is integer fixed-point so its
//! result is bit-exact on any machine; the references mirror the WAT
//! line by line with wrapping `i64` arithmetic, as WASM defines it.

/// Rendering: one Mandelbrot tile.
pub const MANDELBROT_WAT: &str = include_str!("wat/mandelbrot.wat");
/// Inference: a two-layer perceptron forward pass.
pub const MLP_WAT: &str = include_str!("wat/mlp.wat");
/// Training: SGD epochs on a linear model.
pub const SGD_WAT: &str = include_str!("wat/sgd.wat");

/// A named example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// `mandelbrot`, `mlp` or `sgd`.
    pub name: &'static str,
    /// The job task kind it stands for.
    pub kind: &'static str,
    pub wat: &'static str,
}

pub const ALL: [Example; 3] = [
    Example { name: "mandelbrot", kind: "rendering", wat: MANDELBROT_WAT },
    Example { name: "mlp", kind: "inference", wat: MLP_WAT },
    Example { name: "sgd", kind: "training", wat: SGD_WAT },
];

impl Example {
    pub fn by_name(name: &str) -> Option<Example> {
        ALL.into_iter().find(|e| e.name == name)
    }
    /// The module bytes (the text is ours and known to parse).
    pub fn wasm(&self) -> Vec<u8> {
        wat::parse_str(self.wat).expect("example workloads are valid WAT")
    }
    /// A small standard input, used by the devnet demo and the CLI.
    pub fn demo_input(&self) -> Vec<u8> {
        match self.name {
            "mandelbrot" => {
                Tile { x0: -2 << 24, y0: -(3 << 23), step: 3 << 19, width: 48, height: 48, max_iter: 200 }.encode()
            }
            "mlp" => Mlp::demo().encode(),
            _ => Sgd::demo().encode(),
        }
    }
    /// The native reference output for `input` (`Err` carries the refusal code).
    pub fn native(&self, input: &[u8]) -> Result<Vec<u8>, i32> {
        match self.name {
            "mandelbrot" => mandelbrot_native(input),
            "mlp" => mlp_native(input),
            _ => sgd_native(input),
        }
    }
}

/// Q8.24 / Q16.16 fixed-point one.
pub const Q24: i32 = 1 << 24;
pub const Q16: i32 = 1 << 16;

fn words(input: &[u8]) -> Vec<i32> {
    input.chunks_exact(4).map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn encode(words: &[i32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// A Mandelbrot tile request (Q8.24 coordinates).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tile {
    pub x0: i32,
    pub y0: i32,
    pub step: i32,
    pub width: i32,
    pub height: i32,
    pub max_iter: i32,
}

impl Tile {
    pub fn encode(&self) -> Vec<u8> {
        encode(&[self.x0, self.y0, self.step, self.width, self.height, self.max_iter])
    }
}

fn mandelbrot_native(input: &[u8]) -> Result<Vec<u8>, i32> {
    if input.len() != 24 {
        return Err(-1);
    }
    let w = words(input);
    let (x0, y0, step) = (w[0] as i64, w[1] as i64, w[2] as i64);
    let (width, height, max) = (w[3], w[4], w[5]);
    if !(1..=128).contains(&width) || !(1..=128).contains(&height) {
        return Err(-2);
    }
    if !(1..=10_000).contains(&max) {
        return Err(-3);
    }
    let mut out = Vec::with_capacity((width * height) as usize);
    for py in 0..height {
        let ci = y0.wrapping_add((py as i64).wrapping_mul(step));
        for px in 0..width {
            let cr = x0.wrapping_add((px as i64).wrapping_mul(step));
            let (mut zr, mut zi, mut it) = (0i64, 0i64, 0i32);
            loop {
                let zr2 = zr.wrapping_mul(zr) >> 24;
                let zi2 = zi.wrapping_mul(zi) >> 24;
                if zr2.wrapping_add(zi2) > 4 << 24 || it >= max {
                    break;
                }
                zi = (zr.wrapping_shl(1).wrapping_mul(zi) >> 24).wrapping_add(ci);
                zr = zr2.wrapping_sub(zi2).wrapping_add(cr);
                it += 1;
            }
            out.push(it.min(255) as u8);
        }
    }
    Ok(out)
}

/// A two-layer perceptron and one input vector (Q16.16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mlp {
    pub n_in: i32,
    pub n_hidden: i32,
    pub n_out: i32,
    /// `n_hidden` rows of `n_in`.
    pub w1: Vec<i32>,
    pub b1: Vec<i32>,
    /// `n_out` rows of `n_hidden`.
    pub w2: Vec<i32>,
    pub b2: Vec<i32>,
    pub x: Vec<i32>,
}

impl Mlp {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = vec![self.n_in, self.n_hidden, self.n_out];
        for part in [&self.w1, &self.b1, &self.w2, &self.b2, &self.x] {
            w.extend_from_slice(part);
        }
        encode(&w)
    }
    /// XOR as a 2-2-1 network with hand-set weights: (x1, x2) = (1, 0) → 1.
    pub fn demo() -> Mlp {
        let q = Q16;
        Mlp {
            n_in: 2,
            n_hidden: 2,
            n_out: 1,
            w1: vec![q, q, q, q],
            b1: vec![0, -q],
            w2: vec![q, -2 * q],
            b2: vec![0],
            x: vec![q, 0],
        }
    }
}

fn layer(rows: usize, cols: usize, m: &[i32], bias: &[i32], v: &[i32], relu: bool) -> Vec<i32> {
    (0..rows)
        .map(|r| {
            let acc =
                (0..cols).fold(0i64, |acc, c| acc.wrapping_add((m[r * cols + c] as i64).wrapping_mul(v[c] as i64)));
            let out = ((acc >> 16).wrapping_add(bias[r] as i64)) as i32;
            if relu && out < 0 {
                0
            } else {
                out
            }
        })
        .collect()
}

fn mlp_native(input: &[u8]) -> Result<Vec<u8>, i32> {
    if input.len() < 12 {
        return Err(-1);
    }
    let w = words(input);
    let (ni, nh, no) = (w[0], w[1], w[2]);
    for n in [ni, nh, no] {
        if !(1..=64).contains(&n) {
            return Err(-2);
        }
    }
    let (ni, nh, no) = (ni as usize, nh as usize, no as usize);
    let w1 = 3;
    let b1 = w1 + nh * ni;
    let w2 = b1 + nh;
    let b2 = w2 + no * nh;
    let x = b2 + no;
    if input.len() != (x + ni) * 4 {
        return Err(-1);
    }
    let hidden = layer(nh, ni, &w[w1..b1], &w[b1..w2], &w[x..x + ni], true);
    Ok(encode(&layer(no, nh, &w[w2..b2], &w[b2..x], &hidden, false)))
}

/// A linear-regression training run (Q16.16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sgd {
    pub epochs: i32,
    pub lr_shift: i32,
    /// Rows of features, all the same length.
    pub xs: Vec<Vec<i32>>,
    pub ys: Vec<i32>,
    pub w: Vec<i32>,
    pub b: i32,
}

impl Sgd {
    pub fn encode(&self) -> Vec<u8> {
        let d = self.w.len() as i32;
        let mut w = vec![self.ys.len() as i32, d, self.epochs, self.lr_shift];
        for row in &self.xs {
            w.extend_from_slice(row);
        }
        w.extend_from_slice(&self.ys);
        w.extend_from_slice(&self.w);
        w.push(self.b);
        encode(&w)
    }
    /// y = 2·x1 − x2 + 0.5 on eight points, 100 epochs at rate 1/4.
    pub fn demo() -> Sgd {
        let q = Q16;
        let xs: Vec<Vec<i32>> = (0..8).map(|i| vec![(i % 4) * q / 4, (i / 4) * q / 2]).collect();
        let ys = xs.iter().map(|x| 2 * x[0] - x[1] + q / 2).collect();
        Sgd { epochs: 100, lr_shift: 2, xs, ys, w: vec![0, 0], b: 0 }
    }
}

fn sgd_native(input: &[u8]) -> Result<Vec<u8>, i32> {
    if input.len() < 16 {
        return Err(-1);
    }
    let w = words(input);
    let (n, d, epochs, shift) = (w[0], w[1], w[2], w[3]);
    if !(1..=256).contains(&n) || !(1..=16).contains(&d) || !(1..=100).contains(&epochs) || !(0..=30).contains(&shift) {
        return Err(-2);
    }
    let (n, d) = (n as usize, d as usize);
    let xs = 4;
    let ys = xs + n * d;
    let w0 = ys + n;
    if input.len() != (w0 + d + 1) * 4 {
        return Err(-1);
    }
    let mut model: Vec<i32> = w[w0..w0 + d + 1].to_vec();
    for _ in 0..epochs {
        for i in 0..n {
            let row = &w[xs + i * d..xs + (i + 1) * d];
            let acc = (0..d).fold(0i64, |acc, j| acc.wrapping_add((model[j] as i64).wrapping_mul(row[j] as i64)));
            let err = (acc >> 16).wrapping_add(model[d] as i64).wrapping_sub(w[ys + i] as i64);
            for j in 0..d {
                let step = (err.wrapping_mul(row[j] as i64) >> 16) >> shift;
                model[j] = (model[j] as i64).wrapping_sub(step) as i32;
            }
            model[d] = (model[d] as i64).wrapping_sub(err >> shift) as i32;
        }
    }
    Ok(encode(&model))
}
