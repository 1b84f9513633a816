export * from './types.ts';
export * from './associations.ts';
export * from './tenant.ts';
export * from './api-shapes.ts';
export * from './endpoints.ts';
export * from './grammar.ts';
export * from './compile-rule.ts';
export * from './coverage.ts';
export { JcGraphError } from './error.ts';
