import sharp from 'sharp'

const PALETTES: Array<[string, string]> = [
  ['#0f4c5c', '#5fa8a0'],
  ['#3d405b', '#81b29a'],
  ['#264653', '#e9c46a'],
  ['#5e548e', '#be95c4'],
  ['#1d3557', '#a8dadc'],
  ['#6b705c', '#ddbea9'],
]

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!)

/**
 * Demo hero images are drawn, not shipped: a calm gradient with the topic's name, so the
 * repository carries no binary assets and every article still has a real image with all
 * its generated sizes.
 */
export const drawHeroImage = async (label: string, index: number): Promise<Buffer> => {
  const [from, to] = PALETTES[index % PALETTES.length]
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080" viewBox="0 0 1920 1080">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
  <rect width="1920" height="1080" fill="url(#g)"/>
  <circle cx="${1500 - (index % 4) * 120}" cy="${300 + (index % 3) * 140}" r="380" fill="#ffffff" fill-opacity="0.08"/>
  <circle cx="${300 + (index % 5) * 90}" cy="900" r="260" fill="#ffffff" fill-opacity="0.06"/>
  <text x="120" y="600" font-family="DejaVu Sans, Arial, sans-serif" font-size="96" font-weight="700" fill="#ffffff">${escapeXml(label)}</text>
</svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer()
}
