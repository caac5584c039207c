export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

export function toPage<T>([items, total]: [T[], number], request: PageRequest): Page<T> {
  return { items, total, page: request.page, pageSize: request.pageSize };
}

export function skipTake(request: PageRequest): { skip: number; take: number } {
  return { skip: (request.page - 1) * request.pageSize, take: request.pageSize };
}
