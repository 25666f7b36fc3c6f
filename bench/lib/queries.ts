/**
 * The GraphQL nested join that used to take the server down: relatedArticles → conditions →
 * relatedArticles …, `levels` joins deep, `limit` each. One definition for the query-limits
 * test (tests/int/query-limits.int.spec.ts) and `bench/query-cost`.
 */
export const nestedJoinQuery = (levels: number, limit = 100) => {
  let inner = 'title'
  for (let level = 0; level < levels; level++) inner = `title conditions { name relatedArticles(limit: ${limit}) { docs { ${inner} } } }`
  return `{ Conditions(limit: ${limit}) { docs { name relatedArticles(limit: ${limit}) { docs { ${inner} } } } } }`
}
