import { storage } from './storage';

export async function createStrategyRoute(body: { name: string }) {
  const strategy = await storage.createStrategy({ name: body.name });
  await storage.syncPositionsFromAlpaca([]);
  return { status: 201, strategy };
}

export async function listRoute() {
  return storage.listStrategies();
}
