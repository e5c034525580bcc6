export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __siirtoTemporal?: { stop(): Promise<void> } }).__siirtoTemporal;
  await server?.stop();
}
