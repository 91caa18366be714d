"""
Reference values for test/inventory/glft.test.ts and test/inventory/avellanedaStoikov.test.ts, computed
independently of makerlab with mpmath at 60 significant digits, straight from the papers' formulas:

- Gueant, Lehalle & Fernandez-Tapia (2013), "Dealing with the inventory risk": the exact quotes for a bounded
  inventory |q| <= Q from v(t) = expm(-M (T - t)) w (M tridiagonal: alpha q^2 - beta q on the diagonal, -eta beside
  it; w_q = exp(-k xi q^2 / 2)), the T -> infinity limit from the eigenvector of M's smallest eigenvalue (mp.eigsy),
  and the closed-form approximation (c1, c2); drift mu and market impact xi as in the paper's section 5.
- Avellaneda & Stoikov (2008): reservation price, spread and quotes at one point.

Run: python3 test/inventory/glft-reference.py   (Debian: apt-get install python3-mpmath). Not run by the tests;
the values it prints are pasted into the tests as literals. The last block prints the
Q = 30, gamma = 1 tails used by the stiff-case tests.
"""
import mpmath as mp
mp.mp.dps = 60
def M(g,s,A,k,Q,mu=0,xi=0):
    g,s,A,k,mu,xi = map(mp.mpf,(g,s,A,k,mu,xi))
    al = k/2*g*s**2; be = k*mu
    eta = A*(1+g/k)**(-(1+k/g)); et = eta*mp.e**(-k*xi/2)
    n=2*Q+1
    m = mp.zeros(n,n)
    for i in range(n):
        q=i-Q; m[i,i]=al*q*q-be*q
        if i>0: m[i,i-1]=-et
        if i<n-1: m[i,i+1]=-et
    return m
def quotes(g,s,A,k,Q,tau,mu=0,xi=0):
    m = M(g,s,A,k,Q,mu,xi); n=2*Q+1
    gg,kk,xx=map(mp.mpf,(g,k,xi))
    w = mp.matrix([mp.e**(-kk*xx*(i-Q)**2/2) for i in range(n)])
    if tau=='inf':
        E,V = mp.eigsy(m)
        j = min(range(n), key=lambda i:E[i])
        v = [abs(V[i,j]) for i in range(n)]
    else:
        v = mp.expm(-m*mp.mpf(tau))*w
    c0 = mp.log(1+gg/kk)/gg + xx/2
    b = {}; a={}
    for i in range(n):
        q=i-Q
        if i<n-1: b[q]=mp.log(v[i]/v[i+1])/kk + c0
        if i>0: a[q]=mp.log(v[i]/v[i-1])/kk + c0
    return b,a
def approx(g,s,A,k,q,mu=0,xi=0):
    g,s,A,k,mu,xi = map(mp.mpf,(g,s,A,k,mu,xi))
    c1 = mp.log(1+g/k)/g + xi/2
    c2 = mp.e**(k*xi/4)*mp.sqrt(s**2*g/(2*k*A)*(1+g/k)**(1+k/g))
    q0 = mu/(g*s*s)
    return c1 + c2*((2*q+1)/mp.mpf(2) - q0), c1 - c2*((2*q-1)/mp.mpf(2)-q0), c1, c2
print("paper params approx", [mp.nstr(x,17) for x in approx(0.01,0.3,0.9,0.3,3)])
for tau in [600,'inf']:
    b,a = quotes(0.01,0.3,0.9,0.3,6,tau)
    print("Q=6 tau",tau,"bid", {q:mp.nstr(b[q],17) for q in (-6,-3,0,2,5)}, "ask", {q:mp.nstr(a[q],17) for q in (-5,-2,0,3,6)})
# drift+impact
b,a = quotes(0.01,0.3,0.9,0.3,4,50,mu=0.001,xi=0.2)
print("Q=4 tau 50 mu .001 xi .2 bid", {q:mp.nstr(b[q],17) for q in range(-4,4)}, "ask", {q:mp.nstr(a[q],17) for q in range(-3,5)})
b,a = quotes(0.01,0.3,0.9,0.3,4,'inf',mu=0.001,xi=0.2)
print("Q=4 inf mu xi bid", {q:mp.nstr(b[q],17) for q in range(-4,4)}, "ask", {q:mp.nstr(a[q],17) for q in range(-3,5)})
print("approx mu xi q=1", [mp.nstr(x,17) for x in approx(0.01,0.3,0.9,0.3,1,mu=0.001,xi=0.2)])
# stiff case: tails
b,a = quotes(1,2,140,1.5,10,'inf')
print("stiff inf", {q:mp.nstr(b[q],17) for q in (-10,0,5,9)}, {q:mp.nstr(a[q],17) for q in (-9,0,10)})
b,a = quotes(1,2,140,1.5,10,1)
print("stiff T=1", {q:mp.nstr(b[q],17) for q in (-10,0,5,9)}, {q:mp.nstr(a[q],17) for q in (-9,0,10)})
# AS
s,q,t,T,g,sig,k = 100,2,0.5,1,0.1,2,1.5
tau=T-t; inv=mp.mpf(g)*sig**2*tau
sp = inv + 2/mp.mpf(g)*mp.log(1+mp.mpf(g)/k)
r = s-q*inv
print("AS r",mp.nstr(r,17),"spread",mp.nstr(sp,17),"bid",mp.nstr(r-sp/2,17),"ask",mp.nstr(r+sp/2,17))
print("---- tails Q=30 gamma=1")
for tau in ['inf', 1, 0.05]:
    b,a = quotes(1,2,140,1.5,30,tau)
    print("tails", tau, {q:mp.nstr(b[q],17) for q in (0,10,20,25,29)})
