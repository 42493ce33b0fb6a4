/**
 * ONNX Runtime sessions with a chosen execution provider.
 *
 * `cpu` always works. `cuda` needs onnxruntime-node installed with its CUDA binaries
 * (`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`) and a CUDA 12 GPU;
 * asking for it without them is an error. `auto` tries CUDA and, when it cannot be
 * used, runs on CPU after one log line that says why.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ortModule from 'onnxruntime-node';
import { ExitCode, NormkitError, UsageError } from '../../core/errors.js';

type Ort = typeof ortModule;
export const ort: Ort = (ortModule as unknown as { default?: Ort }).default ?? ortModule;
export type OrtSession = ortModule.InferenceSession;
export type OrtTensor = ortModule.Tensor;

// Errors reach us as exceptions; ORT's own logger would print them a second time.
ort.env.logLevel = 'fatal';

export type Device = 'cpu' | 'cuda' | 'auto';
export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'auto'];

export interface SessionOptions {
  device?: Device;
  /** Threads for one operator (ORT's intra-op pool). Default: ORT's choice (all cores). */
  threads?: number;
  /** Where `auto` says that it fell back to CPU. Default: stderr. */
  log?: (line: string) => void;
}

export interface Session {
  session: OrtSession;
  /** The provider the session runs on. */
  device: 'cpu' | 'cuda';
}

export const CUDA_INSTALL_HINT = 'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node';

/** Why the CUDA provider cannot be used here, or undefined when its library is installed. */
export function cudaUnavailableReason(): string | undefined {
  const supported = ort.listSupportedBackends?.() ?? [];
  if (!supported.some((b) => b.name === 'cuda')) return `this onnxruntime-node build (${process.platform}-${process.arch}) has no CUDA provider`;
  try {
    const require = createRequire(import.meta.url);
    const binDir = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
    if (existsSync(binDir) && !existsSync(join(binDir, 'libonnxruntime_providers_cuda.so'))) {
      return 'onnxruntime-node was installed without its CUDA binaries';
    }
  } catch {
    // Unknown layout: let session creation decide.
  }
  return undefined;
}

function sessionOptions(provider: 'cpu' | 'cuda', threads: number | undefined): ortModule.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(threads !== undefined ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

export async function createSession(modelPath: string, options: SessionOptions = {}): Promise<Session> {
  const device = options.device ?? 'cpu';
  if (!DEVICES.includes(device)) throw new UsageError(`unknown device "${String(device)}"; use one of ${DEVICES.join(', ')}`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new UsageError(`threads must be a positive integer, got ${options.threads}`);
  }
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  if (device !== 'cpu') {
    const reason = cudaUnavailableReason();
    let failure = reason;
    if (!reason) {
      try {
        return { session: await ort.InferenceSession.create(modelPath, sessionOptions('cuda', options.threads)), device: 'cuda' };
      } catch (err) {
        failure = firstLine(err);
      }
    }
    if (device === 'cuda') {
      throw new NormkitError(`--device cuda: the CUDA execution provider cannot be used: ${failure}. Use --device auto to fall back to CPU; for the GPU, install CUDA 12 and ${CUDA_INSTALL_HINT}`, ExitCode.usage);
    }
    log(`normkit: CUDA is not available (${failure}); running on CPU. For the GPU: ${CUDA_INSTALL_HINT}`);
  }
  try {
    return { session: await ort.InferenceSession.create(modelPath, sessionOptions('cpu', options.threads)), device: 'cpu' };
  } catch (err) {
    throw new NormkitError(`cannot load ONNX model ${modelPath}: ${firstLine(err)}`, ExitCode.badInput);
  }
}
